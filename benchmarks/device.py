"""Grading on a GPU: the same class with `grade all --device cpu` and `--device cuda`.

    .venv/bin/python benchmarks/device.py [--assignments ch04_deep_learning,...] [--jobs 1]

The class is every reference, alternative (correct, written differently) and mutant (wrong) of
the chosen assignments (default: ch04-ch07, the graders that train networks), one file each. Both
runs grade it from scratch (fresh output folders, so no reference result or budget is reused) and
the script compares them: time per submission on each device, and whether every check earned the
same points. Where no CUDA device is usable the second run falls back to the CPU (`grade all`
says so) and the last line says ``cuda=no``. The last line is

    device: submissions=N cpu_s_per_submission=X cuda_s_per_submission=Y identical=K/N cuda=yes|no

followed, when K < N, by one line per submission whose checks differ.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.support import ALTERNATIVES, MUTANTS, compose, reference_text  # noqa: E402

DEFAULT = "ch04_deep_learning,ch05_regularization,ch06_convolutional,ch07_residual"


def build_class(root: Path, assignments: list[str]) -> int:
    count = 0
    for assignment in assignments:
        files = {"reference": reference_text(assignment)}
        for kind, folder in (("alternative", ALTERNATIVES), ("mutant", MUTANTS)):
            for path in sorted((folder / assignment).glob("*.py")):
                files[f"{kind}-{path.stem}"] = compose(assignment, path)
        for name, text in files.items():
            student = root / f"{assignment}--{name}"
            student.mkdir(parents=True)
            (student / f"{assignment}.py").write_text(text, "utf-8")
            count += 1
    return count


def grade(submissions: Path, out: Path, device: str, jobs: int) -> tuple[float, str, dict]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "harness.cli", "all", str(submissions), "--out", str(out)]
        + ["--device", device, "-j", str(jobs)],
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode not in (0, 3):  # 3: a grader crashed somewhere (reported below)
        raise SystemExit(f"grade all --device {device} failed:\n{done.stderr[-3000:]}")
    results = json.loads((out / "results.json").read_text())
    points = {
        (r["student"], r["assignment"]): {c["name"]: c["points"] for c in r["checks"]}
        for r in results
    }
    return wall, done.stderr, points


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assignments", default=DEFAULT)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    chosen = [a for a in args.assignments.split(",") if a]
    root = Path(tempfile.mkdtemp(prefix="pcs-device-bench-"))
    try:
        count = build_class(root / "class", chosen)
        print(f"{count} submissions of {', '.join(chosen)}", flush=True)
        cpu_s, _, on_cpu = grade(root / "class", root / "cpu", "cpu", args.jobs)
        print(f"  cpu:  {cpu_s:.1f} s", flush=True)
        cuda_s, stderr, on_cuda = grade(root / "class", root / "cuda", "cuda", args.jobs)
        cuda = "falling back to cpu" not in stderr
        print(f"  cuda: {cuda_s:.1f} s{'' if cuda else ' (no usable CUDA device: ran on cpu)'}")
        differ = sorted(key for key in on_cpu if on_cpu[key] != on_cuda.get(key))
        print(
            f"device: submissions={count} cpu_s_per_submission={cpu_s / count:.2f} "
            f"cuda_s_per_submission={cuda_s / count:.2f} identical={count - len(differ)}/{count} "
            f"cuda={'yes' if cuda else 'no'}"
        )
        for student, assignment in differ:
            a, b = on_cpu[(student, assignment)], on_cuda.get((student, assignment), {})
            checks = sorted(name for name in a if a[name] != b.get(name))
            print(f"  differs: {student}/{assignment}: {', '.join(checks)}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
