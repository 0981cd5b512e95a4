"""Time of `grade similarity` on a class of 200 submissions of one assignment (issue: under a
minute on 2 cores).

    .venv/bin/python benchmarks/similarity.py [N]

The class is built from the reference, the alternatives and the mutants of ch10_transfer (each a
full file), every student's file disguised differently (locals renamed, functions reordered,
reformatted), a few of them copies of another student's. Prints the wall time of the whole
comparison, the time of fingerprinting alone (the floor: every file must be read once), and their
ratio, in one process.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness.similarity import _fingerprint, canonical, code_of, find_similar  # noqa: E402
from tests.support import COURSE, compose, reference_text  # noqa: E402
from tests.test_similarity import _result, disguise  # noqa: E402

ASSIGNMENT = "ch10_transfer"
BUDGET_S = 60.0


def synthetic_class(size: int) -> list:
    sources = [reference_text(ASSIGNMENT)]
    for folder in ("mutants", "alternatives"):
        sources += [
            compose(ASSIGNMENT, path)
            for path in sorted((REPO / "tests" / folder / ASSIGNMENT).glob("*.py"))
        ]
    rng = random.Random(0)
    results = []
    for number in range(size):
        if number >= 10 and rng.random() < 0.05:  # a copy of an earlier student's file
            source = results[rng.randrange(len(results))].submitted.text
        else:
            source = sources[number % len(sources)]
        results.append(_result(f"s{number:03d}", ASSIGNMENT, disguise(source, number)))
    return results


def main() -> None:
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    results = synthetic_class(size)
    started = time.perf_counter()
    for result in results:
        _fingerprint(canonical(code_of(result)), result.student, code=True)
    floor = time.perf_counter() - started
    started = time.perf_counter()
    report = find_similar(results, COURSE)
    wall = time.perf_counter() - started
    print(
        f"similarity: submissions={size} pairs_compared={report.compared_pairs} "
        f"pairs_listed={len(report.pairs)} wall_s={wall:.2f} fingerprint_floor_s={floor:.2f} "
        f"ratio_to_floor={wall / floor:.2f} ratio_to_budget={wall / BUDGET_S:.2f}"
    )


if __name__ == "__main__":
    main()
