"""grade all --cluster: the course shipped by content hash, mismatched workers refused, and a real
Dask scheduler with two workers on 127.0.0.1 grading a class with the sample class's mix (correct,
partly wrong, slow, syntax error, exit and endless loop at import) like one judge does, even when
one worker is killed in the middle of the run. The class is graded against the small course of
tests/attacks/ so that the run costs seconds, not the minutes of a course's references."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from harness.cluster import (
    ClusterError,
    GradeRequest,
    course_hash,
    grade_on_worker,
    harness_hash,
    pack_course,
    parse_cluster,
    unpack_course,
)
from harness.course import Course, find_submissions
from harness.judge.runner import Judge
from tests.support import COURSE, REPO

DASK = Path(sys.executable).parent / "dask"
SMALL_COURSE = REPO / "tests" / "attacks" / "course"


def _small_class(root: Path) -> Path:
    """The sample class's mix on the small course's one assignment."""
    reference = (SMALL_COURSE / "reference_solutions" / "attack_target.py").read_text()
    variants = {
        "alice": reference,
        "bruno": reference.replace("return a + b", "return a - b"),
        "carla": reference.replace("mean(axis=0)", "mean(axis=1)"),
        "diego": reference.replace(
            "    return a + b", "    import time\n    time.sleep(0.3)\n    return a + b"
        ),
        "elisa": reference.replace("def ", "def def ", 1),
        "fabio": "import sys\nsys.exit(0)\n" + reference,
        "gabi": "while True:\n    pass\n" + reference,
        "heitor": reference + "\n# resubmitted\n",
    }
    for student, text in variants.items():
        (root / student).mkdir(parents=True)
        (root / student / "attack_target.py").write_text(text)
    return root


def test_cluster_addresses_are_checked() -> None:
    assert parse_cluster("local:3") == ("local", 3)
    assert parse_cluster("tcp://10.0.0.5:8786") == ("tcp://10.0.0.5:8786", None)
    for bad in ("local:", "local:0", "10.0.0.5:8786"):
        with pytest.raises(ClusterError, match="--cluster"):
            parse_cluster(bad)


def test_course_travels_by_content_hash(tmp_path: Path) -> None:
    digest = course_hash(COURSE.root)
    archive = pack_course(COURSE.root)
    unpacked = unpack_course(archive, digest, cache_root=tmp_path)
    assert unpacked.name == digest and course_hash(unpacked) == digest
    assert (unpacked / "graders" / "fixtures" / "provenance.json").exists()
    assert unpack_course(b"not read again", digest, cache_root=tmp_path) == unpacked
    with pytest.raises(ClusterError, match="does not match"):
        unpack_course(archive, "0" * 64, cache_root=tmp_path / "other")


def test_a_worker_with_another_harness_refuses_the_task(tmp_path: Path) -> None:
    request = GradeRequest(
        student="s",
        assignment="ch01_fundamentals",
        relative="s/ch01_fundamentals.py",
        suffix=".py",
        raw=b"",
        course_hash=course_hash(COURSE.root),
        harness_hash="0.0.1-0123456789abcdef",
        lang="en",
        device="cpu",
    )
    assert harness_hash() != request.harness_hash
    with pytest.raises(ClusterError, match="install the same harness on every worker"):
        grade_on_worker(request, b"")


def _verdicts(result: dict) -> tuple:
    """What must not depend on where a submission was graded (timings may)."""
    checks = [(c["name"], c["points"], c["passed"], c["grader_error"]) for c in result["checks"]]
    return result["score"], result["error"], checks


@pytest.mark.slow
def test_two_dask_workers_grade_a_class_like_one_judge_even_when_one_is_killed(
    tmp_path: Path,
) -> None:
    from distributed import Client

    scheduler_file = tmp_path / "scheduler.json"
    env = {
        **os.environ,
        "PCS_CLUSTER_CACHE": str(tmp_path / "cache"),
        "DASK_LOGGING__DISTRIBUTED": "error",
    }
    started = [
        subprocess.Popen(
            [
                str(DASK),
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(scheduler_file),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    ]
    try:
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        for name in ("w1", "w2"):
            started.append(
                subprocess.Popen(
                    [
                        str(DASK),
                        "worker",
                        "--scheduler-file",
                        str(scheduler_file),
                        "--nthreads",
                        "1",
                        "--no-nanny",
                        "--no-dashboard",
                        "--name",
                        name,
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        with Client(scheduler_file=str(scheduler_file), timeout=60) as client:
            client.wait_for_workers(2, timeout=90)
            address = client.scheduler.address
            pids = client.run(os.getpid)
            out = tmp_path / "out"
            submissions = _small_class(tmp_path / "class")
            run = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "harness.cli",
                    "all",
                    str(submissions),
                    "--course",
                    str(SMALL_COURSE),
                    "--out",
                    str(out),
                    "--cluster",
                    address,
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            killed = None
            assert run.stderr is not None
            for line in run.stderr:
                if line.startswith("[1/") and killed is None:
                    busy = [w for w, tasks in client.processing().items() if tasks]
                    assert busy, "no worker had a submission in flight after the first result"
                    killed = busy[0]
                    # its judge's zygote, supervisors and sandboxed workers must die with it
                    orphans = psutil.Process(pids[killed]).children(recursive=True)
                    os.kill(pids[killed], signal.SIGKILL)
            assert run.wait(timeout=300) == 0
        assert killed is not None
        _, alive = psutil.wait_procs(orphans, timeout=10)
        assert orphans and not alive, f"processes of the killed worker still run: {alive}"
        results = {r["student"]: r for r in json.loads((out / "results.json").read_text())}
        discovery = find_submissions(submissions, {"attack_target"})
        with Judge(Course(SMALL_COURSE)) as judge:
            expected = {s.student: judge.grade(s) for s in discovery.submissions}
        assert set(results) == set(expected)  # nothing lost with the killed worker
        for student, mine in expected.items():
            mine_record = json.loads(mine.model_dump_json(by_alias=True))
            assert _verdicts(results[student]) == _verdicts(mine_record), student
    finally:
        for process in reversed(started):
            process.send_signal(signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
