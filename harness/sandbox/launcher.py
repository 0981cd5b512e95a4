"""Starting and killing worker processes.

The judge asks a :class:`Launcher` for a worker that has the submission's source in a private
working directory; it gets a :class:`WorkerProcess` with two pipes and a ``kill`` that takes the
whole process tree down. Workers are forked from a warm zygote (:mod:`harness.sandbox.zygote`) that
has already imported numpy, torch and scikit-learn, or started as fresh processes where that is not
possible. Either way, isolation is applied before the submission is imported (see
:mod:`harness.sandbox.isolation` for what each level guarantees), and a small supervisor reports
the worker's pid and exit status on a status pipe.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import socket
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
ZYGOTE_START_TIMEOUT_S = 180.0
#: children of this process that launchers started on purpose (zygotes, supervisors): never swept
LEGITIMATE_CHILDREN: set[int] = set()
STATUS_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Limits:
    """Resource limits applied to every worker."""

    memory_mb: int = 4096
    cpu_s: int = 900
    file_size_mb: int = 64
    open_files: int = 512
    processes: int = 512


def checkout_root() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(harness.__file__)))


def scrubbed_environment(workdir: str) -> dict[str, str]:
    """Only what a Python worker needs; nothing of the instructor's environment leaks in."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
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
        "PYTHONPATH": checkout_root(),
    }


def _parse_status(line: str) -> int | None:
    kind, _, value = line.partition(" ")
    if kind == "exit":
        return int(value)
    if kind == "signal":
        return -int(value)
    return None


class WorkerProcess:
    """A running worker: the judge writes requests to ``request_fd`` and reads ``reply_fd``."""

    def __init__(
        self,
        *,
        launcher: Launcher,
        supervisor_pid: int,
        worker_pid: int,
        status_fd: int,
        request_fd: int,
        reply_fd: int,
        base: str,
        workdir: str,
        source_path: str,
        popen: subprocess.Popen[bytes] | None = None,
    ) -> None:
        self.launcher = launcher
        self.supervisor_pid = supervisor_pid
        self.pid = worker_pid
        self.status_fd = status_fd
        self.request_fd = request_fd
        self.reply_fd = reply_fd
        self.base = base
        self.workdir = workdir
        self.source_path = source_path
        self.popen = popen
        self.returncode: int | None = None
        self._ended = False
        self._closed = False
        self._buffer = b""

    def _read_status(self, timeout: float) -> None:
        """Read the supervisor's final line (``exit N``/``signal N``) if it comes within timeout."""
        deadline = time.monotonic() + timeout
        while not self._ended:
            remaining = deadline - time.monotonic()
            ready, _, _ = select.select([self.status_fd], [], [], max(remaining, 0.0))
            if not ready:
                return
            chunk = os.read(self.status_fd, 256)
            if not chunk:  # the supervisor is gone without a word
                self._ended = True
                return
            self._buffer += chunk
            for line in self._buffer.decode(errors="replace").splitlines():
                code = _parse_status(line.strip())
                if code is not None or line.startswith(("exit", "signal")):
                    self.returncode = code
                    self._ended = True
            if remaining <= 0:
                return

    def alive(self) -> bool:
        if self._closed:
            return False
        self._read_status(0.0)
        return not self._ended

    def kill(self, grace: float = 0.0) -> int | None:
        """Kill the worker and everything it started; return its exit status (negative: signal).

        ``grace``: when the worker already ended by itself, let it report how before killing.
        """
        if grace > 0:
            self._read_status(grace)
        if not self._ended:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(
                    self.pid, signal.SIGKILL
                )  # at the namespace level: PID 1, the namespace dies
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGKILL)
            self._read_status(5.0)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.supervisor_pid, signal.SIGKILL)
        if self.popen is not None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=10)
            LEGITIMATE_CHILDREN.discard(self.popen.pid)
        self.launcher.sweep_orphans()
        return self.returncode

    def close(self) -> None:
        if self._closed:
            return
        self.kill()
        for fd in (self.request_fd, self.reply_fd, self.status_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.base, ignore_errors=True)
        self._closed = True
        self.launcher.live.discard(self)


class Zygote:
    """The judge's handle on a warm zygote process."""

    def __init__(
        self, python: str, *, wait: bool = True, preload: tuple[str, ...] | None = None
    ) -> None:
        """Start the zygote; with ``wait=False`` return at once and let :meth:`ready` wait for its
        imports (so that they overlap with the judge's own)."""
        self.hello: dict[str, object] | None = None
        self.home = tempfile.mkdtemp(prefix="pcs-zygote-")
        os.chmod(self.home, 0o755)
        judge_end, zygote_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.socket = judge_end
        log = open(os.path.join(self.home, "zygote.log"), "wb")  # noqa: SIM115
        try:
            self.popen = subprocess.Popen(
                [
                    python,
                    "-m",
                    "harness.sandbox.zygote",
                    "--socket-fd",
                    str(zygote_end.fileno()),
                    "--parent-pid",
                    str(os.getpid()),
                    *(("--preload", ",".join(preload)) if preload else ()),
                ],
                pass_fds=(zygote_end.fileno(),),
                cwd="/",
                env=scrubbed_environment(self.home),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        finally:
            log.close()
            zygote_end.close()
        LEGITIMATE_CHILDREN.add(self.popen.pid)
        if wait:
            self.ready()

    def ready(self) -> None:
        """Wait until the zygote has done its imports (once); a zygote that failed is closed."""
        if self.hello is not None:
            return
        self.socket.settimeout(ZYGOTE_START_TIMEOUT_S)
        try:
            hello = json.loads(self.socket.recv(1 << 16) or b"null")
        except (OSError, ValueError) as exc:
            self.close()
            raise SandboxError(f"the zygote did not start: {exc}") from None
        if not isinstance(hello, dict):
            reason = self.log()[-400:] or "no output"
            self.close()
            raise SandboxError(f"the zygote did not start: {reason}")
        if hello.get("threads", 1) != 1:
            self.close()
            raise SandboxError(
                f"the zygote has {hello.get('threads')} threads after importing; forking it is unsafe"
            )
        self.hello = hello
        self.socket.settimeout(30.0)

    def log(self) -> str:
        with (
            contextlib.suppress(OSError),
            open(os.path.join(self.home, "zygote.log"), errors="replace") as handle,
        ):
            return handle.read()
        return ""

    def fork(self, spec: SandboxSpec, env: dict[str, str], fds: tuple[int, int, int]) -> int:
        """Ask for one worker; returns the supervisor's pid."""
        request = json.dumps({"spec": spec.to_json(), "env": env}).encode()
        socket.send_fds(self.socket, [request], list(fds))
        reply = json.loads(self.socket.recv(1 << 16) or b"null")
        if not isinstance(reply, dict) or not isinstance(reply.get("supervisor"), int):
            raise SandboxError("the zygote stopped answering")
        return reply["supervisor"]

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.socket.close()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=10)
        LEGITIMATE_CHILDREN.discard(self.popen.pid)
        shutil.rmtree(self.home, ignore_errors=True)


class Launcher:
    """Starts workers, each in a fresh private directory, isolated at the strongest level.

    ``isolation``: a level of :mod:`harness.sandbox.isolation` or ``"auto"`` (probed at first use).
    ``start``: ``"zygote"`` (fork from a warm process, falling back to fresh processes with a
    reason where that fails), ``"fresh"`` (a new interpreter per worker), or ``"auto"`` (zygote).
    """

    def __init__(
        self,
        limits: Limits | None = None,
        python: str | None = None,
        isolation: str = "auto",
        start: str = "auto",
        device: str = "cpu",
        extra_visible: tuple[str, ...] = (),
    ) -> None:
        self.limits = limits or Limits()
        self.device = device
        #: more read-only paths a worker may see at the namespace level (tests, special courses)
        self.extra_visible = tuple(extra_visible)
        self.python = python or sys.executable
        self.requested = isolation
        self.requested_start = os.environ.get("PCS_WORKER_START", start)
        self._level: str | None = None
        self._zygote: Zygote | None = None
        self._start_mode: str | None = None
        #: a zygote started early by :meth:`warm_up`, whose imports may still be running
        self._starting: Zygote | None = None
        self.start_note = ""
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
        """Start a trivial program at ``level`` in a fresh process; True when it ran to the end."""
        base, workdir, source_path = self._prepare("", "probe.py", level)
        status_read, status_write = os.pipe()
        try:
            popen = self._popen_enter(
                level,
                base,
                workdir,
                status_write,
                (),
                [self.python, "-c", "import harness.protocol"],
                None,
            )
        finally:
            os.close(status_write)
        process = WorkerProcess(
            launcher=self, supervisor_pid=popen.pid, worker_pid=popen.pid, status_fd=status_read,
            request_fd=-1, reply_fd=-1, base=base, workdir=workdir, source_path=source_path, popen=popen,
        )  # fmt: skip
        process._read_status(60.0)
        ok = process._ended and process.returncode == 0
        process.close()
        return ok

    # -- how workers start ------------------------------------------------------------------------
    def warm_up(self, preload: tuple[str, ...] | None = None) -> None:
        """Start the zygote now without waiting for its imports, so that they run while the judge
        does its own (grader, torch) instead of after them; the first spawn waits for it.
        ``preload``: the modules to import there (default: the course's whole list)."""
        wanted = self.requested_start in ("auto", "zygote")
        if wanted and self._start_mode is None and self._starting is None:
            with contextlib.suppress(SandboxError, OSError):  # the first spawn reports it
                self._starting = Zygote(self.python, wait=False, preload=preload)

    @property
    def start_mode(self) -> str:
        """'zygote' or 'fresh'; see ``start_note`` for why a zygote is not used."""
        if self._start_mode is None:
            self._start_mode = "fresh"
            if self.requested_start in ("auto", "zygote"):
                try:
                    starting, self._starting = self._starting, None
                    zygote = starting or Zygote(self.python, wait=False)
                    zygote.ready()
                    self._zygote = zygote
                    self._start_mode = "zygote"
                    self.start_note = (
                        f"warm zygote, {self._zygote.hello.get('seconds')} s of imports paid once"
                    )
                except (SandboxError, OSError) as exc:
                    self.start_note = f"fresh process per worker ({exc})"
            else:
                self.start_note = "fresh process per worker (requested)"
        return self._start_mode

    def close(self) -> None:
        if self._starting is not None:
            self._starting.close()
            self._starting = None
        for process in list(self.live):
            process.close()
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None
            self._start_mode = None

    # -- spawning ---------------------------------------------------------------------------------
    def spec(
        self, level: str, base: str, workdir: str, limits: Limits | None = None
    ) -> SandboxSpec:
        limits = limits or self.limits
        return SandboxSpec(
            level=level,
            workdir=workdir,
            root_dir=os.path.join(base, "root"),
            visible=[*isolation.default_visible_paths(), *self.extra_visible],
            uid=self.uid,
            gid=self.uid,
            memory_mb=limits.memory_mb,
            cpu_s=limits.cpu_s,
            file_size_mb=limits.file_size_mb,
            open_files=limits.open_files,
            processes=limits.processes,
            user_namespace=self.user_namespace,
            devices=isolation.gpu_devices() if self.device == "cuda" else [],
        )

    def _prepare(self, source_text: str, filename: str, level: str) -> tuple[str, str, str]:
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
        return base, workdir, source_path

    def _popen_enter(
        self,
        level: str,
        base: str,
        workdir: str,
        status_write: int,
        keep: tuple[int, ...],
        program: list[str],
        limits: Limits | None,
    ) -> subprocess.Popen[bytes]:
        spec = self.spec(level, base, workdir, limits)
        command = [
            self.python, "-m", "harness.sandbox.enter",
            "--spec", spec.to_json(),
            "--status-fd", str(status_write),
            "--parent-pid", str(os.getpid()),
            "--keep", ",".join(str(fd) for fd in keep),
            "--", *program,
        ]  # fmt: skip
        with open(os.path.join(base, "boot.log"), "wb") as log:
            popen = subprocess.Popen(
                command,
                pass_fds=(*keep, status_write),
                cwd=base,
                env=scrubbed_environment(workdir),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        LEGITIMATE_CHILDREN.add(popen.pid)
        return popen

    def spawn(
        self, source_text: str, filename: str = "submission.py", limits: Limits | None = None
    ) -> WorkerProcess:
        level = self.isolation
        mode = self.start_mode
        base, workdir, source_path = self._prepare(source_text, filename, level)
        request_read, request_write = os.pipe()
        reply_read, reply_write = os.pipe()
        status_read, status_write = os.pipe()
        popen = None
        try:
            if mode == "zygote" and self._zygote is not None:
                spec = self.spec(level, base, workdir, limits)
                supervisor = self._zygote.fork(
                    spec, scrubbed_environment(workdir), (request_read, reply_write, status_write)
                )
            else:
                program = [
                    self.python, "-m", "harness.sandbox.worker",
                    "--request-fd", str(request_read), "--reply-fd", str(reply_write), "--workdir", workdir,
                ]  # fmt: skip
                popen = self._popen_enter(
                    level, base, workdir, status_write, (request_read, reply_write), program, limits
                )
                supervisor = popen.pid
        except BaseException:
            for fd in (request_write, reply_read, status_read):
                os.close(fd)
            shutil.rmtree(base, ignore_errors=True)
            raise
        finally:
            for fd in (request_read, reply_write, status_write):
                os.close(fd)
        worker_pid = _read_worker_pid(status_read, base, self._zygote)
        if worker_pid is None:
            for fd in (request_write, reply_read, status_read):
                os.close(fd)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(supervisor, signal.SIGKILL)
            reason = _boot_reason(base, self._zygote if mode == "zygote" else None)
            if popen is not None:
                popen.wait()
            shutil.rmtree(base, ignore_errors=True)
            raise SandboxError(f"the worker sandbox did not start: {reason}")
        process = WorkerProcess(
            launcher=self, supervisor_pid=supervisor, worker_pid=worker_pid, status_fd=status_read,
            request_fd=request_write, reply_fd=reply_read, base=base, workdir=workdir,
            source_path=source_path, popen=popen,
        )  # fmt: skip
        self.live.add(process)
        return process

    def sweep_orphans(self) -> None:
        """Kill processes that escaped a fresh worker's group (setsid daemons) and came to us.

        Only below the namespace level (there, killing PID 1 ends the tree) and only for processes
        no launcher started on purpose; zygote workers' orphans are swept by the zygote itself.
        """
        if self._level not in (isolation.RLIMITS, isolation.UNPRIVILEGED_USER):
            return
        for pid in isolation.children_of(os.getpid()):
            if pid in LEGITIMATE_CHILDREN:
                continue
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)


def _read_worker_pid(
    fd: int, base: str, zygote: Zygote | None, timeout: float = STATUS_TIMEOUT_S
) -> int | None:
    """The first status line, ``pid N``; None if the supervisor failed before writing it."""
    deadline = time.monotonic() + timeout
    data = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0.0))
        if not ready:
            return None
        chunk = os.read(fd, 1)
        if not chunk:
            return None
        data += chunk
        if chunk == b"\n":
            kind, _, value = data.decode().strip().partition(" ")
            return int(value) if kind == "pid" else None
    return None


def _boot_reason(base: str, zygote: Zygote | None) -> str:
    text = ""
    with (
        contextlib.suppress(OSError),
        open(os.path.join(base, "boot.log"), errors="replace") as handle,
    ):
        text = handle.read()
    if zygote is not None:
        text += zygote.log()
    return text.strip()[-500:] or "no output"
