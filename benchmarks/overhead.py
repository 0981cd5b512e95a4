"""Per-submission overhead of `grade all` against a fresh-process-per-submission baseline.

    .venv/bin/python benchmarks/overhead.py [--submissions 30]

Both sides grade the same 30 generated submissions of a 4-check assignment (standardise + MLP
widths, benchmarks/course/). Overheads exclude the checks' own work and one-off start-up costs:

* grade all: ((wall - checks) with N submissions - (wall - checks) with 1 submission) / (N - 1),
  with `-j 1`, where `checks` sums every check's duration from results.json;
* baseline: one fresh interpreter per submission that imports torch and scikit-learn, imports the
  submission and runs the same checks in-process (what nbgrader and Otter do):
  (sum of process wall times - time inside the checks) / N.

One of the N submissions loops forever in ``standardize_without_leakage``: its grading time is
``loop_student_s`` (each call's budget is derived from the reference's time for it, so a loop costs
about a second per call instead of the grader's 20 s), and ``correct_timeouts`` counts the
correct submissions that hit a time limit (it must be 0).

The last line is ``overhead_per_submission_s=X baseline_s=Y ratio=Z loop_student_s=L
correct_timeouts=K`` with Z = Y / X.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
COURSE = HERE / "course"
REFERENCE = COURSE / "reference_solutions" / "bench_standardize_mlp.py"
STANDARDIZE = "def standardize_without_leakage(X_train, X_test):"
#: the submission that loops (a wrong variant, so the correct ones stay four in every four)
LOOPING = 13


def make_submissions(root: Path, count: int) -> Path:
    """Correct and wrong variants, each file distinct (no incremental reuse)."""
    text = REFERENCE.read_text()
    variants = [
        text,
        text.replace("X_train.std(axis=0)", "X_train.std(axis=0, ddof=1)"),
        text.replace("(X_test - mean) / std", "(X_test - X_test.mean(axis=0)) / std"),
        text.replace("k**i", "k * i"),
    ]
    folder = root / "submissions"
    for i in range(count):
        student = folder / f"student{i:03d}"
        student.mkdir(parents=True)
        source = variants[i % len(variants)]
        if i == LOOPING and count > 1:
            source = source.replace(STANDARDIZE, STANDARDIZE + "\n    while True:\n        pass")
        (student / "bench_standardize_mlp.py").write_text(source + f"\n# submission {i}\n")
    return folder


def loop_and_timeouts(out: Path) -> tuple[float, int]:
    """The looping student's grading time; how many correct submissions hit a time limit."""
    results = json.loads((out / "results.json").read_text())
    looping = next(r for r in results if r["student"] == f"student{LOOPING:03d}")
    timed_out = sum(
        1
        for r in results
        if int(r["student"].removeprefix("student")) % 4 == 0
        and r["student"] != looping["student"]
        and any("did not finish within" in c["messages"]["en"] for c in r["checks"])
    )
    return looping["duration_s"], timed_out


def grade_all(submissions: Path, out: Path, jobs: int = 1) -> tuple[float, float, int]:
    command = [
        sys.executable,
        "-m",
        "harness.cli",
        "all",
        str(submissions),
        "--out",
        str(out),
        "--course",
        str(COURSE),
        "-j",
        str(jobs),
    ]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - started
    results = json.loads((out / "results.json").read_text())
    checks = sum(c["duration_s"] for r in results for c in r["checks"])
    return wall, checks, len(results)


def baseline(submissions: Path) -> tuple[float, float, int]:
    wall = checks = 0.0
    # the looping submission is left out: an in-process baseline has no way to stop it
    files = [
        path
        for path in sorted(submissions.glob("*/bench_standardize_mlp.py"))
        if path.parent.name != f"student{LOOPING:03d}"
    ]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    for path in files:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, str(HERE / "fresh_process_baseline.py"), str(path), str(REFERENCE)],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        )
        wall += time.perf_counter() - started
        checks += float(done.stdout.split("checks_s=")[1].split()[0])
    return wall, checks, len(files)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=30)
    count = parser.parse_args().submissions
    root = Path(tempfile.mkdtemp(prefix="pcs-bench-"))
    try:
        many = make_submissions(root / "many", count)
        one = make_submissions(root / "one", 1)
        wall_n, checks_n, n = grade_all(many, root / "out-many")
        wall_1, checks_1, _ = grade_all(one, root / "out-one")
        ours = ((wall_n - checks_n) - (wall_1 - checks_1)) / (n - 1)
        base_wall, base_checks, m = baseline(many)
        theirs = (base_wall - base_checks) / m
        print(
            f"grade all -j 1: {n} submissions in {wall_n:.2f} s (checks {checks_n:.2f} s); 1 submission in {wall_1:.2f} s (checks {checks_1:.2f} s)"
        )
        print(
            f"baseline: {m} fresh processes in {base_wall:.2f} s (checks {base_checks:.2f} s), {base_wall / m:.3f} s per submission"
        )
        loop_s, timeouts = loop_and_timeouts(root / "out-many")
        print(
            f"overhead_per_submission_s={ours:.4f} baseline_s={theirs:.4f} "
            f"ratio={theirs / ours:.1f} loop_student_s={loop_s:.2f} correct_timeouts={timeouts}"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
