"""The sample class over every assignment: wall time and CPU efficiency of `grade all`.

    .venv/bin/python benchmarks/course.py [--jobs N]

CPU efficiency = time inside checks / (wall x judge processes): how much of the machine the checks'
own work uses, the rest being start-up, isolation, imports and waiting. The run is compared with
the same class graded by `-j 1` in the same command (speed-up = wall(-j 1) / wall(-j N)).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CLASS = REPO / "examples" / "submissions"


def run(out: Path, jobs: int) -> tuple[float, list[dict]]:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "harness.cli",
            "all",
            str(CLASS),
            "--out",
            str(out),
            "-j",
            str(jobs),
        ],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started, json.loads((out / "results.json").read_text())


def main() -> None:
    from harness.parallel import default_jobs

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--jobs", type=int, default=default_jobs())
    jobs = parser.parse_args().jobs
    root = Path(tempfile.mkdtemp(prefix="pcs-course-bench-"))
    try:
        wall_1, _ = run(root / "j1", 1)
        wall_n, results_n = run(root / "jn", jobs)
        checks = sum(c["duration_s"] for r in results_n for c in r["checks"])
        per_assignment: dict[str, list[float]] = defaultdict(list)
        for r in results_n:
            per_assignment[r["assignment"]].append(r["duration_s"])
        print(
            f"{len(results_n)} submissions, {len(per_assignment)} assignments, {jobs} judge processes"
        )
        for assignment, durations in sorted(per_assignment.items()):
            print(
                f"  {assignment}: {len(durations)} submissions, mean {sum(durations) / len(durations):.2f} s, max {max(durations):.2f} s"
            )
        efficiency = checks / (wall_n * jobs)
        print(
            f"wall_s={wall_n:.2f} checks_s={checks:.2f} cpu_efficiency={efficiency:.2f} wall_j1_s={wall_1:.2f} speedup={wall_1 / wall_n:.2f}"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
