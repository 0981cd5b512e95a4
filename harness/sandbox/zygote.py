"""A warm zygote: pays for importing numpy, torch and scikit-learn once, then forks workers.

    python -m harness.sandbox.zygote --socket-fd N --parent-pid P

Started by the launcher with one-thread settings (OMP/OpenBLAS/MKL) so that importing leaves the
process single-threaded; it runs no torch operation, so no thread pool exists to be forked. For each
request received on its socket (a sandbox spec, an environment and three descriptors passed with
SCM_RIGHTS: the worker's request and reply pipes and the status pipe) it forks; the child enters
the sandbox exactly as a fresh process would (``harness.sandbox.isolation.enter``) and then serves
the judge as a worker. The zygote holds nothing secret: it imports libraries and the worker's own
code, never a grader, a reference solution or the gradebook.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import select
import signal
import socket
import sys
import time
import traceback

from harness.sandbox import isolation

PRELOAD = (
    "numpy",
    "scipy",
    "scipy.linalg",
    "scipy.special",
    "torch",
    "torch.nn",
    "torch.nn.functional",
    "torch.optim",
    "torch._dynamo",  # imported lazily by the first optimizer otherwise: about 1 s per worker
    "torch.utils.data",
    "sklearn",
    "sklearn.base",
    "sklearn.cluster",
    "sklearn.datasets",
    "sklearn.decomposition",
    "sklearn.linear_model",
    "sklearn.metrics",
    "sklearn.model_selection",
    "sklearn.neighbors",
    "sklearn.pipeline",
    "sklearn.preprocessing",
    "matplotlib",
    "matplotlib.figure",
    "matplotlib.pyplot",
    "harness.protocol",
    "harness.sandbox.worker",
    "harness.sandbox.introspect",
)
PR_SET_CHILD_SUBREAPER = 36
SETUP_FAILED = 111


#: what every worker needs whatever the submission imports
WORKER_MODULES = ("harness.protocol", "harness.sandbox.worker", "harness.sandbox.introspect")


def preload(names: tuple[str, ...] = PRELOAD) -> list[str]:
    loaded = []
    for name in names:
        try:
            importlib.import_module(name)
            loaded.append(name)
        except Exception:  # a missing optional library only costs its import later
            continue
    return loaded


def _child(request: dict, fds: list[int]) -> None:
    """In the forked child: become a sandboxed worker. Never returns."""
    try:
        signal.signal(
            signal.SIGCHLD, signal.SIG_DFL
        )  # the zygote ignores it; the supervisor must wait
        os.setsid()
        request_fd, reply_fd, status_fd = fds
        os.environ.clear()
        os.environ.update(request["env"])
        isolation.die_with_parent(None)
        spec = isolation.SandboxSpec.from_json(request["spec"])
        isolation.enter(spec, status_fd, {request_fd, reply_fd})
        from harness.sandbox.worker import run_worker

        run_worker(request_fd, reply_fd, spec.workdir)
    except BaseException:
        with contextlib.suppress(Exception):
            traceback.print_exc()
        os._exit(SETUP_FAILED)
    os._exit(0)


def _sweep(known: set[int]) -> None:
    """Kill processes reparented to us that are not supervisors we forked (escaped daemons)."""
    for pid in isolation.children_of(os.getpid()):
        if pid not in known:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def serve(sock: socket.socket) -> None:
    known: set[int] = set()
    while True:
        ready, _, _ = select.select([sock], [], [], 1.0)
        known = {pid for pid in known if _alive(pid)}
        _sweep(known)
        if not ready:
            continue
        try:
            message, fds, _, _ = socket.recv_fds(sock, 1 << 20, 4)
        except OSError:
            break
        if not message:
            break
        request = json.loads(message)
        pid = os.fork()
        if pid == 0:
            sock.close()
            _child(request, fds)
        for fd in fds:
            os.close(fd)
        known.add(pid)
        sock.sendall(json.dumps({"supervisor": pid}).encode())
    _sweep(set())


def main(argv: list[str]) -> None:
    values = dict(zip(argv[::2], argv[1::2]))
    isolation.die_with_parent(values.get("--parent-pid"))
    sock = socket.socket(fileno=int(values["--socket-fd"]))
    started = time.monotonic()
    # `--preload a,b` (one check run): only the submission's own imports, not the course's
    chosen = values.get("--preload")
    names = (*chosen.split(","), *WORKER_MODULES) if chosen else PRELOAD
    loaded = preload(tuple(n for n in names if n))
    hello = {
        "pid": os.getpid(),
        "threads": len(os.listdir("/proc/self/task")),
        "preloaded": loaded,
        "seconds": round(time.monotonic() - started, 3),
    }
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # supervisors are reaped by the kernel
    with contextlib.suppress(OSError):
        import ctypes

        ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    sock.sendall(json.dumps(hello).encode())
    serve(sock)
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
