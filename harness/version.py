"""The harness version, part of every grade's fingerprint (a new version regrades)."""

HARNESS_VERSION = "0.1.0"
