"""Starting and killing worker processes.

The judge asks a :class:`Launcher` for a worker that has the submission's source in a private
working directory; it gets a :class:`WorkerProcess` with two pipes and a ``kill`` that takes the
whole process tree down. How strongly the worker is isolated is the launcher's business (see
:mod:`harness.sandbox.isolation`); the judge only talks through the pipes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass

import harness


@dataclass(frozen=True)
class Limits:
    """Resource limits applied to every worker."""

    memory_mb: int = 4096
    cpu_s: int = 900
    file_size_mb: int = 64
    open_files: int = 512


def scrubbed_environment(workdir: str) -> dict[str, str]:
    """Only what a Python worker needs; nothing of the instructor's environment leaks in."""
    keep = ("PATH", "LANG", "LC_ALL", "SYSTEMROOT")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.update(
        {
            "HOME": workdir,
            "TMPDIR": workdir,
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONNOUSERSITE": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": workdir,
            "PYTHONPATH": os.path.dirname(os.path.dirname(os.path.abspath(harness.__file__))),
        }
    )
    return env


def _apply_limits(limits: Limits) -> None:
    import resource

    def set_limit(which: int, value: int) -> None:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(which, (value, value))

    set_limit(resource.RLIMIT_AS, limits.memory_mb * 1024 * 1024)
    set_limit(resource.RLIMIT_CPU, limits.cpu_s)
    set_limit(resource.RLIMIT_FSIZE, limits.file_size_mb * 1024 * 1024)
    set_limit(resource.RLIMIT_NOFILE, limits.open_files)
    set_limit(resource.RLIMIT_CORE, 0)


class WorkerProcess:
    """A running worker: the judge writes requests to ``request_fd`` and reads ``reply_fd``."""

    def __init__(
        self,
        popen: subprocess.Popen[bytes],
        request_fd: int,
        reply_fd: int,
        workdir: str,
        source_path: str,
    ) -> None:
        self.popen = popen
        self.pid = popen.pid
        self.request_fd = request_fd
        self.reply_fd = reply_fd
        self.workdir = workdir
        self.source_path = source_path
        self._closed = False

    def alive(self) -> bool:
        return not self._closed and self.popen.poll() is None

    def kill(self) -> int | None:
        """Kill the worker and everything it started; return its exit status (negative: signal)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        try:
            return self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - unkillable: leave it to init
            return None

    def close(self) -> None:
        if self._closed:
            return
        self.kill()
        for fd in (self.request_fd, self.reply_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.workdir, ignore_errors=True)
        self._closed = True


class Launcher:
    """Starts one worker process per request, each in a fresh private directory."""

    def __init__(self, limits: Limits | None = None, python: str | None = None) -> None:
        self.limits = limits or Limits()
        self.python = python or sys.executable

    def spawn(self, source_text: str, filename: str = "submission.py") -> WorkerProcess:
        workdir = tempfile.mkdtemp(prefix="pcs-worker-")
        source_path = os.path.join(workdir, filename)
        with open(source_path, "w", encoding="utf-8") as handle:
            handle.write(source_text)
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        boot_log = open(os.path.join(workdir, ".boot.log"), "wb")  # noqa: SIM115
        limits = self.limits
        try:
            popen = subprocess.Popen(
                [
                    self.python,
                    "-m",
                    "harness.sandbox.worker",
                    "--request-fd",
                    str(request_read),
                    "--reply-fd",
                    str(reply_write),
                    "--workdir",
                    workdir,
                ],
                pass_fds=(request_read, reply_write),
                cwd=workdir,
                env=scrubbed_environment(workdir),
                stdin=subprocess.DEVNULL,
                stdout=boot_log,
                stderr=boot_log,
                start_new_session=True,
                preexec_fn=lambda: _apply_limits(limits),
            )
        finally:
            boot_log.close()
            os.close(request_read)
            os.close(reply_write)
        return WorkerProcess(popen, request_write, reply_read, workdir, source_path)
