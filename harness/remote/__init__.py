"""The judge's view of code on the other side of a pipe: handles, the problems a call can hit, and
how values and calls are described in feedback. Below both the check kit and the judge."""
