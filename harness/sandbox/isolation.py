"""Isolating a worker as strongly as the host allows, in this order of preference:

``namespaces``
    Linux user, mount, network, PID, IPC and UTS namespaces (unprivileged). The worker sees a fresh
    read-only root holding only the system libraries, the Python installation, the virtual
    environment and the ``harness`` package, plus its private working directory and a private
    ``/tmp``: no ``graders/``, no ``reference_solutions/``, no gradebook, no other submission, no
    home directory. It has no network (not even loopback), sees only its own processes, holds no
    capability, and is PID 1 of its namespace, so killing it kills everything it started, daemons
    that called setsid included. When the harness runs as root it first drops to a dedicated
    unprivileged uid (default: nobody), so files are also protected by their permissions.
``unprivileged-user``
    No namespaces but running as root: the worker drops to the dedicated uid. It cannot write the
    harness's files or the gradebook, nor signal other users' processes; it can still read
    world-readable files and use the network.
``rlimits``
    Resource limits only (memory, CPU seconds, file size, open files), a scrubbed environment and a
    private working directory; everything else relies on the judge never trusting the worker.

Every level applies the resource limits. This module is used before any student code runs, by
``harness.sandbox.enter`` (fresh process) and by zygote children; it imports only the standard
library and holds nothing secret.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import json
import os
import resource
import signal
import sys
from dataclasses import asdict, dataclass, field

NAMESPACES = "namespaces"
UNPRIVILEGED_USER = "unprivileged-user"
RLIMITS = "rlimits"
LEVELS = (NAMESPACES, UNPRIVILEGED_USER, RLIMITS)

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_NOEXEC = 8
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_SECUREBITS = 28
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
SECURE_ALL_BITS_LOCKED = 0xFF  # noroot, no_setuid_fixup, keep_caps, no_cap_ambient_raise + locks
SYS_PIVOT_ROOT = 155  # x86_64
SYS_CAPSET = 126
LINUX_CAPABILITY_VERSION_3 = 0x20080522

#: system folders every Python worker needs (read-only)
SYSTEM_PATHS = ("/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc/ld.so.cache", "/etc/localtime")


class SandboxError(RuntimeError):
    """The sandbox could not be set up (a harness problem, never the student's fault)."""


@dataclass
class SandboxSpec:
    """Everything the entry step needs; crosses a process boundary as JSON."""

    level: str
    workdir: str
    root_dir: str = ""
    visible: list[str] = field(default_factory=list)
    uid: int | None = None
    gid: int | None = None
    memory_mb: int = 4096
    cpu_s: int = 900
    file_size_mb: int = 64
    open_files: int = 512
    processes: int = 512
    tmp_size_mb: int = 256
    #: use a user namespace even when running as root (always used when not root)
    user_namespace: bool = False
    #: device nodes to expose read-write (the NVIDIA ones for --device cuda)
    devices: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> SandboxSpec:
        data = json.loads(text)
        if data.get("level") not in LEVELS:
            raise SandboxError(f"unknown isolation level {data.get('level')!r}")
        return cls(**data)


_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def _check(result: int, what: str) -> int:
    if result != 0:
        errno = ctypes.get_errno()
        raise SandboxError(f"{what}: {os.strerror(errno)}")
    return result


def _mount(
    source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None
) -> None:
    _check(
        _libc.mount(
            source.encode() if source else None,
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {source} on {target}",
    )


def _prctl(option: int, arg: int = 0) -> int:
    return _libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0)


# -- resource limits (every level) -------------------------------------------------------------------


def apply_limits(spec: SandboxSpec, *, limit_processes: bool) -> None:
    def set_limit(which: int, value: int) -> None:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(which, (value, value))

    set_limit(resource.RLIMIT_AS, spec.memory_mb * 1024 * 1024)
    set_limit(resource.RLIMIT_CPU, spec.cpu_s)
    set_limit(resource.RLIMIT_FSIZE, spec.file_size_mb * 1024 * 1024)
    set_limit(resource.RLIMIT_NOFILE, spec.open_files)
    set_limit(resource.RLIMIT_CORE, 0)
    if limit_processes:  # counted per uid: meaningful only for the dedicated uid
        set_limit(resource.RLIMIT_NPROC, spec.processes)


def drop_user(uid: int, gid: int) -> None:
    os.setgroups([])
    os.setresgid(gid, gid, gid)
    os.setresuid(uid, uid, uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise SandboxError("could not drop to the sandbox user")
    # changing credentials makes the process non-dumpable, which makes its own /proc/self files
    # root-owned; it must still write its uid_map
    _prctl(PR_SET_DUMPABLE, 1)
    # it also clears the parent-death signal: without this, a worker whose supervisor is
    # SIGKILLed (with its judge, say a Dask worker killed mid-run) would run on, reparented
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


# -- namespaces --------------------------------------------------------------------------------------


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


def _flags_of(path: str) -> int:
    """Mount flags a read-only bind must keep (the kernel refuses to clear locked ones)."""
    flags = 0
    try:
        st_flags = os.statvfs(path).f_flag
    except OSError:
        return flags
    for statvfs_bit, mount_bit in ((1, MS_RDONLY), (2, MS_NOSUID), (4, MS_NODEV), (8, MS_NOEXEC)):
        if st_flags & statvfs_bit:
            flags |= mount_bit
    return flags


def _make_mount_point(target: str, is_dir: bool) -> None:
    if is_dir:
        os.makedirs(target, mode=0o755, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), mode=0o755, exist_ok=True)
        if not os.path.exists(target):
            with open(target, "w"):
                pass


def _bind(source_fd_path: str, target: str, *, read_only: bool, extra: int) -> None:
    _mount(source_fd_path, target, None, MS_BIND | MS_REC)
    flags = MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV | extra
    if read_only:
        flags |= MS_RDONLY
    _mount(None, target, None, flags)


def _build_root(spec: SandboxSpec) -> None:
    """A tmpfs root with read-only binds of the visible paths and the writable workdir; pivot."""
    root = spec.root_dir
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=0755")
    # the private /tmp first: the checkout, the environment or the workdir may live under /tmp
    os.makedirs(root + "/tmp", exist_ok=True)
    _mount(
        "tmpfs", root + "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, f"size={spec.tmp_size_mb}m,mode=1777"
    )
    for path in spec.visible:
        target = root + path
        if os.path.islink(path) and os.path.dirname(path) == "/":
            os.symlink(os.readlink(path), target)  # /lib -> usr/lib on merged-/usr systems
            continue
        if not os.path.exists(path):
            continue
        _make_mount_point(target, os.path.isdir(path))
        _bind(path, target, read_only=True, extra=_flags_of(path))
    work_target = root + spec.workdir
    _make_mount_point(work_target, True)
    _bind(spec.workdir, work_target, read_only=False, extra=0)
    os.makedirs(root + "/proc", exist_ok=True)
    _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    os.makedirs(root + "/dev", exist_ok=True)
    _mount("tmpfs", root + "/dev", "tmpfs", MS_NOSUID, "size=64k,mode=0755")
    for node in (
        "null",
        "zero",
        "full",
        "random",
        "urandom",
        *(os.path.basename(d) for d in spec.devices),
    ):
        target = f"{root}/dev/{node}"
        _make_mount_point(target, False)
        _mount(f"/dev/{node}", target, None, MS_BIND)
    os.makedirs(root + "/dev/shm", exist_ok=True)
    _mount("tmpfs", root + "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,mode=1777")
    for name, target in (
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ):
        os.symlink(target, f"{root}/dev/{name}")
    os.makedirs(root + "/etc", exist_ok=True)
    _write(root + "/etc/passwd", f"sandbox:x:0:0:sandbox:{spec.workdir}:/bin/sh\n")
    _write(root + "/etc/group", "sandbox:x:0:\n")
    _write(root + "/etc/hostname", "sandbox\n")
    old = root + "/.old-root"
    os.makedirs(old)
    _check(_libc.syscall(SYS_PIVOT_ROOT, root.encode(), old.encode()), "pivot_root")
    os.chdir("/")
    _check(_libc.umount2(b"/.old-root", MNT_DETACH), "umount old root")
    os.rmdir("/.old-root")
    _mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    os.chdir(spec.workdir)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _drop_capabilities() -> None:
    """No capability left, none regained by exec (securebits), no new privileges ever."""
    _check(_prctl(PR_SET_SECUREBITS, SECURE_ALL_BITS_LOCKED), "securebits")
    for cap in range(64):
        if _prctl(PR_CAPBSET_DROP, cap) != 0:
            break
    _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    header = _CapHeader(LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_libc.syscall(SYS_CAPSET, ctypes.byref(header), ctypes.byref(data)), "capset")
    _check(_prctl(PR_SET_NO_NEW_PRIVS, 1), "no_new_privs")


def _close_fds_except(keep: set[int]) -> None:
    for fd in range(3, 1024):
        if fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def die_with_parent(expected_parent: str | None) -> None:
    """SIGKILL this process when the judge dies (even by SIGKILL): nothing outlives the judge."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if expected_parent is not None and os.getppid() != int(expected_parent):
        os._exit(1)  # the judge died before the signal was armed


def encode_status(status: int) -> str:
    """'exit N' or 'signal N' for a waitpid status (what the judge turns into words)."""
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit {os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1}"


def _supervise(child: int, status_fd: int) -> None:
    """The supervisor: report the worker's pid, wait for it, report how it ended, and leave.

    It never runs student code; it exists so that whoever started the worker (the judge or the
    zygote) always learns the worker's pid and exit status through ``status_fd``.
    """
    os.write(status_fd, f"pid {child}\n".encode())
    _close_fds_except({status_fd})
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except ChildProcessError:
            status = 1 << 8
            break
        except InterruptedError:
            continue
    with contextlib.suppress(OSError):
        os.write(status_fd, f"{encode_status(status)}\n".encode())
    os._exit(0)


def _enter_namespaces(spec: SandboxSpec, status_fd: int, keep_fds: set[int]) -> None:
    as_root = os.geteuid() == 0 and not spec.user_namespace
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS
    if not as_root:  # unprivileged: a user namespace grants the right to make the others
        uid, gid = os.geteuid(), os.getegid()
        _check(_libc.unshare(CLONE_NEWUSER | flags), "unshare")
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"0 {uid} 1")
        _write("/proc/self/gid_map", f"0 {gid} 1")
    else:  # as real root: the mounts belong to the initial namespace and cannot be undone later
        _check(_libc.unshare(flags), "unshare")
    child = os.fork()
    if child:
        _supervise(child, status_fd)
    # PID 1 of the new namespace from here on
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    os.close(status_fd)
    _build_root(spec)
    with contextlib.suppress(OSError):
        _libc.sethostname(b"sandbox", 7)
    dropped = as_root and spec.uid is not None
    if dropped:
        drop_user(spec.uid, spec.gid if spec.gid is not None else spec.uid)  # type: ignore[arg-type]
        _check(_prctl(PR_SET_NO_NEW_PRIVS, 1), "no_new_privs")
    else:
        _drop_capabilities()
    apply_limits(spec, limit_processes=dropped)
    _close_fds_except(keep_fds)


def enter(spec: SandboxSpec, status_fd: int, keep_fds: set[int]) -> None:
    """Put the calling (single-threaded) process into the sandbox of ``spec.level``.

    The calling process becomes a supervisor that never returns (see :func:`_supervise`); the
    function returns in its child, the worker-to-be: at the namespace level, PID 1 of the new
    namespaces. ``status_fd`` receives ``pid N`` then ``exit N`` / ``signal N``; ``keep_fds``
    survive in the worker, every other descriptor is closed.
    """
    if spec.level == NAMESPACES:
        _enter_namespaces(spec, status_fd, keep_fds)
        return
    child = os.fork()
    if child:
        _supervise(child, status_fd)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    os.close(status_fd)
    os.chdir(spec.workdir)
    dropped = spec.level == UNPRIVILEGED_USER and spec.uid is not None and os.geteuid() == 0
    if dropped:
        drop_user(spec.uid, spec.gid if spec.gid is not None else spec.uid)  # type: ignore[arg-type]
    apply_limits(spec, limit_processes=dropped)
    with contextlib.suppress(OSError):
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
    _close_fds_except(keep_fds)


def gpu_devices() -> list[str]:
    """The NVIDIA device nodes of this host (empty without a GPU)."""
    names = ("nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia-modeset")
    found = [f"/dev/{n}" for n in names if os.path.exists(f"/dev/{n}")]
    found += sorted(
        f"/dev/{n}" for n in os.listdir("/dev") if n.startswith("nvidia") and n[6:].isdigit()
    )
    return found


def children_of(parent: int) -> list[int]:
    """Pids whose parent is ``parent`` (read from /proc; for sweeping escaped processes)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(int(entry))
    return found


def default_visible_paths() -> list[str]:
    """What a worker must see: system libraries, the interpreter, the environment, the harness."""
    harness_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = [*SYSTEM_PATHS, os.path.realpath(sys.base_prefix), sys.prefix, harness_dir]
    if os.path.realpath(sys.base_prefix) != sys.base_prefix:
        paths.append(sys.base_prefix)
    seen: list[str] = []
    for path in paths:
        if path not in seen:
            seen.append(path)
    return seen
