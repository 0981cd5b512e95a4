"""Every submission the grader tests need, graded once, in parallel, as `grade all -j` grades a
class: references, stubs, mutants, alternatives and the generated degenerate submissions.

One harness start for the whole corpus instead of one per case keeps `make test` short (the judge
processes, their zygotes and the reference workers are shared, and `-j` uses every core).
``PCS_TEST_ASSIGNMENTS=ch01_fundamentals,ch03_hyperparameters`` restricts the corpus while working
on one grader; ``PCS_TEST_JOBS=1`` grades with one judge process.
"""

from __future__ import annotations

import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from harness.course import SubmissionFile
from harness.judge.runner import GraderIncident, Judge, JudgeOptions
from harness.parallel import default_jobs, grade_many
from harness.records import SubmissionResult
from tests.degenerate import HOSTILE, TRIVIAL, degenerate_source
from tests.selection import checks_to_grade
from tests.support import (
    ALTERNATIVES,
    MUTANTS,
    REPO,
    Override,
    assignments,
    compose,
    reference_text,
)


@dataclass(frozen=True)
class Case:
    kind: str  # reference, stub, mutant, alternative, trivial, hostile
    assignment: str
    name: str
    source: str = field(repr=False, compare=False)
    #: a mutant is graded on these checks only (tests/selection.py); None: on all of them
    checks: frozenset[str] | None = field(default=None, repr=False, compare=False)

    @property
    def student(self) -> str:
        return re.sub(r"[^A-Za-z0-9_.-]", "_", f"{self.assignment}--{self.kind}--{self.name}")


@dataclass
class Graded:
    result: SubmissionResult
    incidents: list[GraderIncident]


def selected_assignments() -> list[str]:
    wanted = os.environ.get("PCS_TEST_ASSIGNMENTS", "").strip()
    every = assignments()
    if not wanted:
        return every
    chosen = [a.strip() for a in wanted.split(",") if a.strip()]
    unknown = set(chosen) - set(every)
    if unknown:
        raise ValueError(f"PCS_TEST_ASSIGNMENTS names unknown assignments: {sorted(unknown)}")
    return chosen


def corpus(chosen: list[str]) -> list[Case]:
    cases: list[Case] = []
    for assignment in chosen:
        reference = reference_text(assignment)
        stub = (REPO / "assignments" / assignment / f"{assignment}.py").read_text(encoding="utf-8")
        cases.append(Case("reference", assignment, "reference", reference))
        cases.append(Case("stub", assignment, "stub", stub))
        for kind, root in (("mutant", MUTANTS), ("alternative", ALTERNATIVES)):
            for path in sorted((root / assignment).glob("*.py")):
                checks = None
                if kind == "mutant" and not os.environ.get("PCS_TEST_FULL"):
                    targets = Override(assignment, path).targets
                    checks = checks_to_grade(assignment, path.read_text("utf-8"), targets)
                source = compose(assignment, path)
                cases.append(Case(kind, assignment, path.stem, source, checks))
        for variant in TRIVIAL:
            cases.append(
                Case("trivial", assignment, variant, degenerate_source(reference, variant))
            )
        for variant in HOSTILE:
            cases.append(
                Case("hostile", assignment, variant, degenerate_source(reference, variant))
            )
    return cases


def grade_corpus(cases: list[Case], root: Path, jobs: int | None = None) -> dict[Case, Graded]:
    """Write each case as a student's file and grade them all with `jobs` judge processes."""
    from tests.support import COURSE

    files = []
    for case in cases:
        folder = root / case.student
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{case.assignment}.py"
        path.write_text(case.source, encoding="utf-8")
        files.append(
            SubmissionFile(case.student, case.assignment, path, f"{case.student}/{path.name}")
        )
    by_student = {case.student: case for case in cases}
    graded: dict[Case, Graded] = {}
    started = time.monotonic()
    selection = {c.student: c.checks for c in cases if c.checks is not None}
    # PCS_TEST_BUDGETS=reference: budgets derived from the reference, as `grade all` has them (a
    # calibration per assignment; used to measure that no correct solution times out)
    derive = os.environ.get("PCS_TEST_BUDGETS", "fixed") == "reference"
    options = JudgeOptions(
        cache_dir=root / ".cache", check_filter=selection or None, derive_budgets=derive
    )
    with Judge(COURSE, options) as judge:
        jobs = jobs or int(os.environ.get("PCS_TEST_JOBS", "0") or 0) or default_jobs()
        for submission, result, incidents in grade_many(files, judge=judge, jobs=jobs):
            graded[by_student[submission.student]] = Graded(result, list(incidents))
    _fill_unselected_from_reference(graded)
    print(
        f"\ngraded {len(graded)} submissions with -j {jobs} in {time.monotonic() - started:.0f} s",
        file=sys.stderr,
    )
    return graded


def _fill_unselected_from_reference(graded: dict[Case, Graded]) -> None:
    """A mutant's unselected checks get the reference's results."""
    references = {c.assignment: g.result for c, g in graded.items() if c.kind == "reference"}
    for case, done in graded.items():
        reference = references.get(case.assignment)
        if case.checks is None or reference is None:
            continue
        by_name = {check.name: check for check in reference.checks}
        checks = [
            check if check.name in case.checks else by_name[check.name]
            for check in done.result.checks
        ]
        done.result = done.result.model_copy(update={"checks": checks}).with_totals()
