"""The student's loop: `grade check` on one file against the import floor, in the same command.

    .venv/bin/python benchmarks/student_check.py [ASSIGNMENT]

The import floor is a fresh interpreter importing torch, scikit-learn and matplotlib (what any
check of a deep-learning stub must pay at least once); `grade check` runs the public checks of the
released stub with the same isolation as always. Each is timed three times and the medians are
printed as ``check_s=X import_floor_s=Y ratio=Z`` (issue: ratio <= 1.3).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ROUNDS = 3


def _seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=REPO, capture_output=True, check=False)
    return time.perf_counter() - started


def main() -> None:
    assignment = sys.argv[1] if len(sys.argv) > 1 else "ch02_feedforward"
    stub = REPO / "assignments" / assignment / f"{assignment}.py"
    floor_command = [sys.executable, "-c", "import torch, sklearn, matplotlib"]
    check_command = [sys.executable, "-m", "harness.cli", "check", assignment, str(stub)]
    floors, checks = [], []
    for _ in range(ROUNDS):  # interleaved, so both see the same machine load
        floors.append(_seconds(floor_command))
        checks.append(_seconds(check_command))
    floor, check = statistics.median(floors), statistics.median(checks)
    print(f"{assignment}: check_s={check:.2f} import_floor_s={floor:.2f} ratio={check / floor:.2f}")


if __name__ == "__main__":
    main()
