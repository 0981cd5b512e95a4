"""Starting and killing worker processes.

The judge asks a :class:`Launcher` for a worker that has the submission's source in a private
working directory; it gets a :class:`WorkerProcess` with two pipes and a ``kill`` that takes the
whole process tree down. Isolation is applied by ``harness.sandbox.enter`` before the worker
program starts (see :mod:`harness.sandbox.isolation` for what each level guarantees).
"""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

import harness
from harness.sandbox import isolation
from harness.sandbox.isolation import SandboxError, SandboxSpec

PR_SET_CHILD_SUBREAPER = 36
SANDBOX_UID = 65534  # nobody: the dedicated unprivileged user when the harness runs as root


@dataclass(frozen=True)
class Limits:
    """Resource limits applied to every worker."""

    memory_mb: int = 4096
    cpu_s: int = 900
    file_size_mb: int = 64
    open_files: int = 512
    processes: int = 512


def scrubbed_environment(workdir: str) -> dict[str, str]:
    """Only what a Python worker needs; nothing of the instructor's environment leaks in."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    env.update(
        {
            "HOME": workdir,
            "TMPDIR": workdir,
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONNOUSERSITE": "1",
            "PYTHONUNBUFFERED": "1",
            "OMP_NUM_THREADS": "1",
            "MKL_NUM_THREADS": "1",
            "OPENBLAS_NUM_THREADS": "1",
            "MPLBACKEND": "Agg",
            "MPLCONFIGDIR": workdir,
            "PYTHONPATH": os.path.dirname(os.path.dirname(os.path.abspath(harness.__file__))),
        }
    )
    return env


class WorkerProcess:
    """A running worker: the judge writes requests to ``request_fd`` and reads ``reply_fd``."""

    def __init__(
        self,
        popen: subprocess.Popen[bytes],
        kill_pid: int,
        request_fd: int,
        reply_fd: int,
        base: str,
        workdir: str,
        source_path: str,
        launcher: Launcher,
    ) -> None:
        self.popen = popen
        self.pid = kill_pid
        self.request_fd = request_fd
        self.reply_fd = reply_fd
        self.base = base
        self.workdir = workdir
        self.source_path = source_path
        self.launcher = launcher
        self._closed = False

    def alive(self) -> bool:
        return not self._closed and self.popen.poll() is None

    def kill(self, grace: float = 0.0) -> int | None:
        """Kill the worker and everything it started; return its exit status (negative: signal).

        ``grace``: when the worker already ended by itself, let it report how (exit status or
        signal) before everything left is killed.
        """
        if grace > 0:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=grace)
        for target in (
            self.pid,
            self.popen.pid,
        ):  # namespace PID 1 first: the namespace dies with it
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(target, signal.SIGKILL)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        try:
            status = self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - unkillable: leave it to init
            status = None
        self.launcher.sweep_orphans()
        return status

    def close(self) -> None:
        if self._closed:
            return
        self.kill()
        for fd in (self.request_fd, self.reply_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.base, ignore_errors=True)
        self._closed = True
        self.launcher.live.discard(self)


class Launcher:
    """Starts one worker process per request, each in a fresh private directory.

    ``isolation`` is a level of :mod:`harness.sandbox.isolation` or ``"auto"`` (the strongest the
    host allows, found by a probe at first use).
    """

    def __init__(
        self, limits: Limits | None = None, python: str | None = None, isolation: str = "auto"
    ) -> None:
        self.limits = limits or Limits()
        self.python = python or sys.executable
        self.requested = isolation
        self._level: str | None = None
        self.live: set[WorkerProcess] = set()
        #: a user namespace is how an unprivileged harness isolates (PCS_SANDBOX_USERNS=1 forces it)
        self.user_namespace = os.geteuid() != 0 or os.environ.get("PCS_SANDBOX_USERNS") == "1"
        #: a root harness runs workers as a dedicated unprivileged user
        self.uid = SANDBOX_UID if os.geteuid() == 0 and not self.user_namespace else None
        with contextlib.suppress(OSError):
            import ctypes

            ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)

    # -- isolation level --------------------------------------------------------------------------
    @property
    def isolation(self) -> str:
        if self._level is None:
            self._level = self._choose_level()
        return self._level

    def _choose_level(self) -> str:
        requested = os.environ.get("PCS_ISOLATION", self.requested)
        if requested != "auto":
            if requested not in isolation.LEVELS:
                raise SandboxError(
                    f"unknown isolation level {requested!r}; choose auto or one of {isolation.LEVELS}"
                )
            if requested == isolation.NAMESPACES and not self._probe(requested):
                raise SandboxError(
                    "namespace isolation was requested but does not work on this host"
                )
            return requested
        if self._probe(isolation.NAMESPACES):
            return isolation.NAMESPACES
        if self.uid is not None and self._probe(isolation.UNPRIVILEGED_USER):
            return isolation.UNPRIVILEGED_USER
        return isolation.RLIMITS

    def _probe(self, level: str) -> bool:
        """Start a trivial program at ``level``; True when it ran to the end."""
        try:
            process = self._start(
                level, "", "probe.py", [self.python, "-c", "import harness.protocol"]
            )
        except SandboxError:
            return False
        try:
            status = process.popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            status = None
        process.close()
        return status == 0

    # -- spawning ---------------------------------------------------------------------------------
    def spec(
        self, level: str, base: str, workdir: str, limits: Limits | None = None
    ) -> SandboxSpec:
        limits = limits or self.limits
        return SandboxSpec(
            level=level,
            workdir=workdir,
            root_dir=os.path.join(base, "root"),
            visible=isolation.default_visible_paths(),
            uid=self.uid,
            gid=self.uid,
            memory_mb=limits.memory_mb,
            cpu_s=limits.cpu_s,
            file_size_mb=limits.file_size_mb,
            open_files=limits.open_files,
            processes=limits.processes,
            user_namespace=self.user_namespace,
        )

    def spawn(
        self, source_text: str, filename: str = "submission.py", limits: Limits | None = None
    ) -> WorkerProcess:
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        worker = [
            self.python,
            "-m",
            "harness.sandbox.worker",
            "--request-fd",
            str(request_read),
            "--reply-fd",
            str(reply_write),
        ]
        try:
            process = self._start(
                self.isolation,
                source_text,
                filename,
                worker,
                extra_fds=(request_read, reply_write),
                request_fd=request_write,
                reply_fd=reply_read,
                limits=limits,
            )
        except BaseException:
            for fd in (request_write, reply_read):
                os.close(fd)
            raise
        finally:
            os.close(request_read)
            os.close(reply_write)
        return process

    def _start(
        self,
        level: str,
        source_text: str,
        filename: str,
        program: list[str],
        *,
        extra_fds: tuple[int, ...] = (),
        request_fd: int = -1,
        reply_fd: int = -1,
        limits: Limits | None = None,
    ) -> WorkerProcess:
        base = tempfile.mkdtemp(prefix="pcs-sandbox-")
        os.chmod(base, 0o711)
        workdir = os.path.join(base, "work")
        os.mkdir(workdir, 0o700)
        os.mkdir(os.path.join(base, "root"), 0o755)
        source_path = os.path.join(workdir, filename)
        with open(source_path, "w", encoding="utf-8") as handle:
            handle.write(source_text)
        if self.uid is not None and level != isolation.RLIMITS:
            for path in (workdir, source_path, os.path.join(base, "root")):
                os.chown(path, self.uid, self.uid)
        if program[2:3] == ["harness.sandbox.worker"]:
            program = [*program, "--workdir", workdir]
        pid_read, pid_write = os.pipe()
        spec = self.spec(level, base, workdir, limits)
        command = [
            self.python,
            "-m",
            "harness.sandbox.enter",
            "--spec",
            spec.to_json(),
            "--pid-fd",
            str(pid_write),
            "--parent-pid",
            str(os.getpid()),
            "--keep",
            ",".join(str(fd) for fd in extra_fds),
            "--",
            *program,
        ]
        boot_log = os.path.join(base, "boot.log")
        with open(boot_log, "wb") as log:
            try:
                popen = subprocess.Popen(
                    command,
                    pass_fds=(*extra_fds, pid_write),
                    cwd=base,
                    env=scrubbed_environment(workdir),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    start_new_session=True,
                )
            finally:
                os.close(pid_write)
        try:
            kill_pid = _read_pid(pid_read, popen, boot_log)
        except SandboxError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(popen.pid, signal.SIGKILL)
            popen.wait()
            shutil.rmtree(base, ignore_errors=True)
            raise
        finally:
            os.close(pid_read)
        process = WorkerProcess(
            popen, kill_pid, request_fd, reply_fd, base, workdir, source_path, self
        )
        self.live.add(process)
        return process

    def sweep_orphans(self) -> None:
        """Kill processes that escaped a worker's group (setsid daemons) and were reparented to us.

        Only needed below the namespace level, where killing PID 1 does not end the tree.
        """
        if self._level == isolation.NAMESPACES:
            return
        mine = os.getpid()
        known = {p.popen.pid for p in self.live if p.alive()}
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) in known:
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as handle:
                    fields = handle.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == mine:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(int(entry), signal.SIGKILL)
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(int(entry), 0)


def _read_pid(fd: int, popen: subprocess.Popen[bytes], boot_log: str, timeout: float = 60.0) -> int:
    """The pid the entry step reports, or the reason it failed (from its log)."""
    deadline = time.monotonic() + timeout
    data = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0.0))
        if not ready:
            break
        chunk = os.read(fd, 64)
        if not chunk:
            break
        data += chunk
        if data.endswith(b"\n"):
            return int(data)
    popen.poll()
    with contextlib.suppress(OSError), open(boot_log, "rb") as handle:
        reason = handle.read().decode(errors="replace").strip()[-500:]
        raise SandboxError(f"the worker sandbox did not start: {reason or 'no output'}")
    raise SandboxError("the worker sandbox did not start")
