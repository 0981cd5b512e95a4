"""The isolation level: as strong as the host allows, and what the worker sees at that level."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from harness.judge.session import Budgets, WorkerSession
from harness.notebook import PreparedSource
from harness.remote.handles import RemoteModule
from harness.sandbox import isolation
from harness.sandbox.launcher import Launcher

REPO = Path(__file__).resolve().parent.parent
PROBE = """
import os, socket
def look(paths):
    return {p: os.path.exists(p) for p in paths}
def listing(path):
    return sorted(os.listdir(path)) if os.path.isdir(path) else None
def whoami():
    return {"pid": os.getpid(), "uid": os.getuid(), "processes": sorted(int(p) for p in os.listdir("/proc") if p.isdigit())}
def network():
    try:
        socket.create_connection(("127.0.0.1", 9), timeout=1)
    except OSError as error:
        return error.errno
    return 0
"""


def kernel_allows_namespaces() -> bool:
    """Independent of the harness: can util-linux's unshare make the namespaces we use?"""
    if shutil.which("unshare") is None:
        return False
    done = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "--net", "--pid", "--fork", "true"],
        capture_output=True,
    )
    return done.returncode == 0


def test_the_strongest_level_the_host_allows_is_chosen() -> None:
    level = Launcher().isolation
    if kernel_allows_namespaces():
        assert level == isolation.NAMESPACES, (
            "namespaces work on this host, but the harness fell back"
        )
    else:
        assert level in (isolation.UNPRIVILEGED_USER, isolation.RLIMITS)


@pytest.mark.skipif(
    not kernel_allows_namespaces(), reason="the kernel refuses unprivileged namespaces here"
)
def test_at_the_namespace_level_the_worker_sees_only_what_it_needs() -> None:
    secret_dir = Path(
        tempfile.mkdtemp(prefix="pcs-visible-")
    )  # under /tmp, like a CI checkout may be
    secret_dir.chmod(0o755)  # readable like a checkout (the worker runs as an unprivileged user)
    (secret_dir / "shown.txt").write_text("ok")
    launcher = Launcher(extra_visible=(str(secret_dir),))
    try:
        with WorkerSession(PreparedSource(PROBE), launcher, Budgets()) as session:
            session.begin_check(1)
            student = RemoteModule(session)
            seen = student.look(
                [
                    str(secret_dir / "shown.txt"),
                    str(REPO / "harness"),
                    str(REPO / "graders"),
                    str(REPO / "reference_solutions"),
                    str(REPO / "tests"),
                    "/etc/shadow",
                ]
            )
            assert seen[str(secret_dir / "shown.txt")] and seen[str(REPO / "harness")]
            hidden = [
                p for p in seen if p.endswith(("graders", "reference_solutions", "tests", "shadow"))
            ]
            assert not any(seen[p] for p in hidden), seen
            # the home folder exists only as the path to the mounted interpreter (if it lives there)
            home = student.listing(str(Path.home()))
            mounted_there = {
                Path(v).relative_to(Path.home()).parts[0]
                for v in isolation.default_visible_paths()
                if Path(v).is_relative_to(Path.home())
            }
            assert home is None or set(home) <= mounted_there, home
            me = student.whoami()
            assert me["pid"] == 1 and me["processes"] == [1]
            assert student.network() != 0
    finally:
        launcher.close()
        shutil.rmtree(secret_dir, ignore_errors=True)
