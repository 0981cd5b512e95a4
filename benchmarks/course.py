"""A realistic synthetic class over the course: submissions per second and CPU efficiency of
`grade all` with -j 1, -j 2 and --cluster local:2.

    .venv/bin/python benchmarks/course.py [--students 60] [--assignments ch01_fundamentals,...]
                                          [--runs j1,j2,cluster2]

Each student hands in every chosen assignment, with the mix of the sample class
(examples/submissions): mostly correct (the reference, or one of the alternatives), partly wrong
(a mutant), the untouched stub, a notebook, a syntax error, and now and then an endless loop at
import. Every file is distinct (a comment names its student), so nothing is reused between runs.

CPU efficiency = time inside checks / (wall x parallel graders): the share of the machine spent on
the checks' own work, the rest being start-up, isolation, imports and waiting. The three runs
grade the same class in the same command; the last line is

    course: submissions=N j1_s=X j2_s=Y speedup_j2=Z cluster2_s=W
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support import compose, reference_text  # noqa: E402

LOOP = "while True:\n    pass\n"


def _variants(assignment: str) -> dict[str, list[str]]:
    folder = REPO / "assignments" / assignment
    stub = (folder / f"{assignment}.py").read_text("utf-8")
    reference = reference_text(assignment)
    alternatives = [
        compose(assignment, p)
        for p in sorted((REPO / "tests" / "alternatives" / assignment).glob("*.py"))
    ]
    mutants = [
        compose(assignment, p)
        for p in sorted((REPO / "tests" / "mutants" / assignment).glob("*.py"))
    ]
    return {
        "correct": [reference, *alternatives],
        "wrong": mutants or [reference],
        "stub": [stub],
        "syntax": [reference.replace("def ", "def def ", 1)],
        "loop": [LOOP + reference],
    }


LABELS = ("j1", "j2", "cluster2")
#: the sample class's mix, per ten students
MIX = ["correct"] * 4 + ["wrong"] * 3 + ["stub", "notebook", "syntax"]


def build_class(root: Path, students: int, assignments: list[str]) -> int:
    rng = random.Random(0)
    count = 0
    for assignment in assignments:
        variants = _variants(assignment)
        notebook = (REPO / "assignments" / assignment / f"{assignment}.ipynb").read_text("utf-8")
        for number in range(students):
            kind = MIX[number % len(MIX)]
            if number % 30 == 29:
                kind = "loop"
            folder = root / f"s{number:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            if kind == "notebook":
                data = json.loads(notebook)
                data.setdefault("metadata", {})["student"] = f"s{number:03d}"
                (folder / f"{assignment}.ipynb").write_text(json.dumps(data), "utf-8")
            else:
                text = rng.choice(variants[kind])
                (folder / f"{assignment}.py").write_text(
                    f"# student s{number:03d}\n" + text, "utf-8"
                )
            count += 1
    return count


def run(submissions: Path, out: Path, *options: str) -> tuple[float, list[dict]]:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "harness.cli", "all", str(submissions), "--out", str(out), *options],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started, json.loads((out / "results.json").read_text())


def efficiency(wall: float, results: list[dict], graders: int) -> float:
    checks = sum(c["duration_s"] for r in results for c in r["checks"])
    return checks / (wall * graders)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument(
        "--assignments",
        default="",
        help="comma-separated ids (default: every assignment with a grader)",
    )
    parser.add_argument(
        "--runs",
        default="j1,j2,cluster2",
        help="which of j1, j2, cluster2 to run (a long class: j1,j2 for the speed-up alone)",
    )
    args = parser.parse_args()
    runs = {r.strip() for r in args.runs.split(",") if r.strip()}
    chosen = [a for a in args.assignments.split(",") if a] or sorted(
        p.stem for p in (REPO / "graders").glob("[!_]*.py")
    )
    root = Path(tempfile.mkdtemp(prefix="pcs-course-bench-"))
    try:
        submissions = root / "class"
        count = build_class(submissions, args.students, chosen)
        print(f"{count} submissions: {args.students} students x {len(chosen)} assignments")
        walls = {}
        for label, options, graders in (
            ("j1", ("-j", "1"), 1),
            ("j2", ("-j", "2"), 2),
            ("cluster2", ("--cluster", "local:2"), 2),
        ):
            if label not in runs:
                continue
            wall, results = run(submissions, root / label, *options)
            walls[label] = wall
            print(
                f"  {label}: wall_s={wall:.1f} submissions_per_s={count / wall:.2f} "
                f"cpu_efficiency={efficiency(wall, results, graders):.2f}"
            )
        shown = {label: f"{walls[label]:.1f}" if label in walls else "-" for label in LABELS}
        speedup = f"{walls['j1'] / walls['j2']:.2f}" if {"j1", "j2"} <= set(walls) else "-"
        print(
            f"course: submissions={count} j1_s={shown['j1']} j2_s={shown['j2']} "
            f"speedup_j2={speedup} cluster2_s={shown['cluster2']}"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
