"""`grade all` never loses or corrupts a grade: killed halfway it resumes to the same gradebook."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ATTACKS = Path(__file__).resolve().parent / "attacks"
COURSE = ATTACKS / "course"
REFERENCE = (COURSE / "reference_solutions" / "attack_target.py").read_text()
VARIANTS = {
    "s1_full": REFERENCE,
    "s2_no_secret": REFERENCE.replace("return SECRET", "return 'guess'"),
    "s3_bad_add": REFERENCE.replace("return a + b", "return a - b"),
    "s4_full_again": REFERENCE + "\n# resubmitted\n",
    "s5_bad_means": REFERENCE.replace("mean(axis=0)", "mean(axis=1)"),
    "s6_slow": REFERENCE.replace(
        "    return a + b", "    import time\n    time.sleep(0.4)\n    return a + b"
    ),
    "s7_bad_eye": REFERENCE.replace("np.eye(n)", "np.ones((n, n))"),
}


def make_class(root: Path, students: tuple[str, ...] = tuple(VARIANTS)) -> Path:
    submissions = root / "submissions"
    for student in students:
        text = VARIANTS[student]
        (submissions / student).mkdir(parents=True)
        (submissions / student / "attack_target.py").write_text(text)
    return submissions


def command(submissions: Path, out: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "harness.cli",
        "all",
        str(submissions),
        "--out",
        str(out),
        "--course",
        str(COURSE),
    ]


def rows(out: Path) -> int:
    try:
        with sqlite3.connect(out / "gradebook.sqlite", timeout=1) as db:
            return db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0]
    except sqlite3.Error:
        return 0


def grades(out: Path) -> dict[str, object]:
    """Everything of the results except timestamps and durations."""
    normalised = {}
    for result in json.loads((out / "results.json").read_text()):
        for volatile in ("graded_at", "duration_s"):
            result.pop(volatile)
        for check in result["checks"]:
            check.pop("duration_s")
        normalised[result["student"]] = result
    return normalised


def sandbox_processes(tmpdir: Path) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if str(tmpdir).encode() in Path(f"/proc/{entry}/cmdline").read_bytes():
                    found.append(int(entry))
            except OSError:
                pass
    return found


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One uninterrupted `grade all -j 2` of the class, shared by the tests below (its output
    folder and its stderr): the reference gradebook, the parallel run, the outputs to parse."""
    root = tmp_path_factory.mktemp("uninterrupted")
    out = root / "out"
    completed = subprocess.run(
        [*command(make_class(root), out), "-j", "2"],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return out, completed.stderr


def test_sigkill_halfway_then_resume_gives_the_uninterrupted_gradebook(
    tmp_path: Path, uninterrupted: tuple[Path, str]
) -> None:
    submissions = make_class(tmp_path)
    reference_out, _ = uninterrupted

    out = tmp_path / "interrupted"
    tmpdir = tmp_path / "worker-tmp"
    tmpdir.mkdir()
    env = {**os.environ, "TMPDIR": str(tmpdir)}
    process = subprocess.Popen(
        command(submissions, out),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while rows(out) < 3 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert process.poll() is None, "grade all finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)  # the judge only: its workers must not survive it
    process.wait()
    done = rows(out)
    assert 3 <= done < len(VARIANTS)
    time.sleep(1.0)
    assert sandbox_processes(tmpdir) == [], "workers outlived the killed judge"
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        for (text,) in db.execute("SELECT result_json FROM submissions"):
            json.loads(text)  # every stored grade is whole

    resumed = subprocess.run(command(submissions, out), capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert f"graded {len(VARIANTS) - done}, unchanged {done}" in resumed.stderr
    assert grades(out) == grades(reference_out)


def test_a_second_run_on_the_same_output_is_refused_while_the_first_runs(tmp_path: Path) -> None:
    students = ("s6_slow", "s1_full", "s3_bad_add")  # the slow one keeps the first run going
    submissions = make_class(tmp_path, students)
    out = tmp_path / "out"
    first = subprocess.Popen(
        command(submissions, out), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 300
    while rows(out) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    second = subprocess.run(command(submissions, out), capture_output=True, text=True, timeout=120)
    assert second.returncode == 2
    assert "already writing to" in second.stderr
    _, first_err = first.communicate(timeout=600)
    assert first.returncode == 0, first_err
    assert rows(out) == len(students)


@pytest.mark.parametrize("student", ["s3_bad_add"])
def test_results_of_killed_runs_are_never_half_written(
    uninterrupted: tuple[Path, str], student: str
) -> None:
    """The outputs are written atomically: a results.json always parses."""
    out, _ = uninterrupted
    for name in ("results.json", "run.json"):
        json.loads((out / name).read_text())
    assert not list(out.glob(".*.tmp"))
    assert grades(out)[student]["score"] < grades(out)[student]["max_score"]


def test_parallel_grading_gives_the_same_grades_as_sequential(
    tmp_path: Path, uninterrupted: tuple[Path, str]
) -> None:
    submissions = make_class(tmp_path)
    sequential = tmp_path / "j1"
    subprocess.run(
        [*command(submissions, sequential), "-j", "1"], check=True, capture_output=True, timeout=600
    )
    parallel, stderr = uninterrupted
    assert "2 in parallel" in stderr
    assert grades(parallel) == grades(sequential)
