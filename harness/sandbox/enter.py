"""Entry step between the launcher and the worker: ``python -m harness.sandbox.enter``.

    python -m harness.sandbox.enter --spec JSON --status-fd N --keep A,B -- PROGRAM ARGS...

Applies the isolation described by the spec (see :mod:`harness.sandbox.isolation`): this process
stays as the supervisor that reports ``pid N`` and then ``exit N``/``signal N`` on ``--status-fd``,
and its child replaces itself with PROGRAM.
Any failure here is the harness's: it exits with status 111 and says why on stderr.
"""

from __future__ import annotations

import os
import sys

from harness.sandbox.isolation import SandboxSpec, die_with_parent, enter

SETUP_FAILED = 111


def main(argv: list[str]) -> None:
    if "--" not in argv:
        print(
            "usage: enter --spec JSON --status-fd N [--keep A,B] -- PROGRAM ARGS...",
            file=sys.stderr,
        )
        os._exit(2)
    split = argv.index("--")
    options, program = argv[:split], argv[split + 1 :]
    values = dict(zip(options[::2], options[1::2]))
    try:
        die_with_parent(values.get("--parent-pid"))
        spec = SandboxSpec.from_json(values["--spec"])
        status_fd = int(values["--status-fd"])
        keep = {int(fd) for fd in values.get("--keep", "").split(",") if fd}
        enter(spec, status_fd, keep)
        os.execve(program[0], program, dict(os.environ))
    except BaseException as exc:  # report and stop: never run the worker half-isolated
        print(f"sandbox setup failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        os._exit(SETUP_FAILED)


if __name__ == "__main__":
    main(sys.argv[1:])
