"""Wall time of grading one submission of each assignment with the default settings.

    .venv/bin/python benchmarks/assignments.py

For every assignment, a fresh `grade all` grades the reference solution alone (cold: judge start,
zygote, reference worker, every check), then a warm second submission in the same command (the
marginal cost once the judge is running). Prints the seconds and the ratio to the 60 s budget of
the course's design (ratio < 1 is within budget).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUDGET_S = 60.0


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="pcs-assignment-bench-"))
    try:
        for grader in sorted((REPO / "graders").glob("[!_]*.py")):
            assignment = grader.stem
            reference = (REPO / "reference_solutions" / f"{assignment}.py").read_text()
            submissions = root / assignment / "submissions"
            for student, suffix in (("a_first", ""), ("b_second", "\n# second copy\n")):
                (submissions / student).mkdir(parents=True)
                (submissions / student / f"{assignment}.py").write_text(reference + suffix)
            out = root / assignment / "out"
            started = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "harness.cli",
                    "all",
                    str(submissions),
                    "--out",
                    str(out),
                    "-j",
                    "1",
                ],
                check=True,
                capture_output=True,
            )
            wall = time.perf_counter() - started
            durations = {
                r["student"]: r["duration_s"]
                for r in json.loads((out / "results.json").read_text())
            }
            warm = durations["b_second"]
            cold = wall - warm
            print(
                f"{assignment}: cold_s={cold:.2f} warm_s={warm:.2f} ratio_to_budget={cold / BUDGET_S:.2f}"
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
