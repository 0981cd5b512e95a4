"""Malicious submissions (tests/attacks/) earn nothing and harm nothing.

One `grade all` run grades every attack next to two honest students; each test then checks one
promise: no undeserved point, honest grades exact, gradebook and submissions intact, no process
left behind, nothing of the attack in the harness's own output, captured output capped.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.sandbox import isolation
from harness.sandbox.launcher import Launcher

ATTACKS = Path(__file__).resolve().parent / "attacks"
COURSE = ATTACKS / "course"
REPO = ATTACKS.parent.parent
ALL_ATTACKS = sorted(p.stem for p in (ATTACKS / "submissions").glob("*.py"))
#: would damage the host if run without namespaces (the harness may run as root)
HARMFUL = {"delete_files", "kill_everything", "write_results_files"}
#: succeed by design below the namespace level (files and network are visible there)
NEED_NAMESPACES = {
    "read_reference_by_path",
    "walk_filesystem",
    "import_reference_by_name",
    "network_connection",
}
LEVEL = Launcher().isolation
RUNNABLE = [
    a for a in ALL_ATTACKS if LEVEL == isolation.NAMESPACES or a not in HARMFUL | NEED_NAMESPACES
]
MARKER = f"{time.time() % 10_000:.3f}"  # a unique `sleep` duration that identifies leftovers
HONEST = ("honest_ana", "honest_bia")


def digest(paths: list[Path]) -> dict[str, str]:
    found = {}
    for root in paths:
        for path in sorted(root.rglob("*")) if root.is_dir() else [root]:
            if path.is_file() and "__pycache__" not in path.parts:
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


class Listener:
    """A TCP port on 127.0.0.1 that records every connection (the network attack's target)."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.port = self.server.getsockname()[1]
        self.accepted = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            self.accepted += 1
            connection.sendall(b"reference-secret-7f3a9c")
            connection.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.server.close()


def leftover_processes() -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if MARKER.encode() in cmdline and b"pytest" not in cmdline:
                pids.append(int(entry))
    return pids


@dataclass
class Run:
    root: Path
    out: Path
    results: dict[str, dict]
    stdout: str
    stderr: str
    returncode: int
    hashes_before: dict[str, str]
    hashes_after: dict[str, str]
    accepted_connections: int
    leftovers: list[int]
    seconds: float


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("attacked-class")
    submissions = root / "submissions"
    listener = Listener()
    reference = (COURSE / "reference_solutions" / "attack_target.py").read_text()
    for student in HONEST:
        (submissions / student).mkdir(parents=True)
        (submissions / student / "attack_target.py").write_text(reference)
    for attack in RUNNABLE:
        text = (ATTACKS / "submissions" / f"{attack}.py").read_text()
        text = text.replace("{PORT}", str(listener.port)).replace("{MARKER}", MARKER)
        (submissions / attack).mkdir()
        (submissions / attack / "attack_target.py").write_text(text)
    watched = [
        submissions,
        COURSE,
        REPO / "graders",
        REPO / "reference_solutions",
        REPO / "harness",
    ]
    before = digest(watched)
    out = root / "out"
    started = time.monotonic()
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "harness.cli",
            "all",
            str(submissions),
            "--out",
            str(out),
            "--course",
            str(COURSE),
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=root,
    )
    seconds = time.monotonic() - started
    time.sleep(0.5)
    leftovers = leftover_processes()
    listener.close()
    results = {r["student"]: r for r in json.loads((out / "results.json").read_text())}
    return Run(
        root,
        out,
        results,
        completed.stdout,
        completed.stderr,
        completed.returncode,
        before,
        digest(watched),
        listener.accepted,
        leftovers,
        seconds,
    )


def test_the_run_completes_and_reports_its_isolation(attacked: Run) -> None:
    assert attacked.returncode == 0, attacked.stderr[-3000:]
    assert f"isolation level: {LEVEL}" in attacked.stderr
    assert set(attacked.results) == set(HONEST) | set(RUNNABLE)
    assert all(r["isolation"] == LEVEL for r in attacked.results.values())


def test_honest_students_get_exactly_full_marks(attacked: Run) -> None:
    for student in HONEST:
        result = attacked.results[student]
        assert result["score"] == result["max_score"] == 4.0, json.dumps(
            result["checks"], indent=1
        )[:3000]


@pytest.mark.parametrize("attack", ALL_ATTACKS)
def test_attack_earns_nothing(attacked: Run, attack: str) -> None:
    if attack not in RUNNABLE:
        pytest.skip(
            f"needs namespace isolation to run safely and be defeated; this host gives {LEVEL}"
        )
    result = attacked.results[attack]
    earned = {c["name"]: c["message"] for c in result["checks"] if c["points"] > 0}
    assert result["score"] == 0, f"{attack} earned points: {earned}"


def test_gradebook_submissions_and_course_are_intact(attacked: Run) -> None:
    assert attacked.hashes_after == attacked.hashes_before
    with sqlite3.connect(attacked.out / "gradebook.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = dict(db.execute("SELECT student, score FROM submissions").fetchall())
    assert set(rows) == set(HONEST) | set(RUNNABLE)
    assert all(rows[s] == 4.0 for s in HONEST) and all(rows[a] == 0.0 for a in RUNNABLE)
    assert not (attacked.root / "results.json").exists()


def test_no_process_outlives_the_grading(attacked: Run) -> None:
    assert attacked.leftovers == [], f"processes left behind: {attacked.leftovers}"


def test_student_output_never_reaches_the_harness_output(attacked: Run) -> None:
    harness_output = attacked.stdout + attacked.stderr
    assert "ATTACK-MARKER" not in harness_output
    assert "reference-secret" not in harness_output
    page = (
        (attacked.out / "report" / "enormous_output" / "attack_target.html").read_text()
        if "enormous_output" in RUNNABLE
        else ""
    )
    if page:
        assert "ATTACK-MARKER-OUTPUT" in page  # shown to the TA...
        assert len(page) < 600_000  # ...but capped
    for result in attacked.results.values():
        for check in result["checks"]:
            output = check.get("output") or {}
            assert (
                len(output.get("stdout", "")) <= 64 * 1024
                and len(output.get("stderr", "")) <= 64 * 1024
            )


def test_no_connection_reached_the_host(attacked: Run) -> None:
    if "network_connection" not in RUNNABLE:
        pytest.skip(f"the network is not isolated at level {LEVEL}")
    assert attacked.accepted_connections == 0


def test_hostile_submissions_cost_no_more_than_their_budgets(attacked: Run) -> None:
    # 2 honest + N attacks; the worst attacks use their 10 s submission budget (plus restarts)
    assert attacked.seconds < 30 + 15 * len(RUNNABLE), attacked.seconds
