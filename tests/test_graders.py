"""The graders are tested like any code (DESIGN.md, "Checks are code, and the checks are tested").

For every assignment: the reference scores full marks, the stub scores zero, each mutant in
tests/mutants/ID/ fails the checks its docstring names while every exercise it does not touch keeps
full marks, and each correct alternative in tests/alternatives/ID/ scores full marks.
"""

from __future__ import annotations

import pytest

from harness.judge.runner import Judge
from tests.support import (
    ALTERNATIVES,
    MUTANTS,
    REPO,
    Override,
    assignments,
    compose,
    explain,
    failing,
    grade,
    overrides,
    reference_text,
)

ASSIGNMENTS = assignments()
MUTANT_CASES = overrides(MUTANTS)
ALTERNATIVE_CASES = overrides(ALTERNATIVES)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_gets_full_marks(judge: Judge, assignment: str) -> None:
    result = grade(judge, assignment, reference_text(assignment), student="reference")
    assert result.error is None
    assert result.score == result.max_score > 0, explain(result)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_stub_gets_zero(judge: Judge, assignment: str) -> None:
    stub = (REPO / "assignments" / assignment / f"{assignment}.py").read_text(encoding="utf-8")
    result = grade(judge, assignment, stub, student="stub")
    assert result.score == 0, explain(result)
    assert all("NotImplementedError" in c.messages.en for c in result.checks), explain(result)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_assignment_has_enough_mutants_and_alternatives(assignment: str) -> None:
    assert sum(c.assignment == assignment for c in MUTANT_CASES) >= 8
    assert sum(c.assignment == assignment for c in ALTERNATIVE_CASES) >= 2


@pytest.mark.parametrize("case", MUTANT_CASES, ids=lambda c: c.id)
def test_mutant_loses_points_where_targeted(judge: Judge, case: Override) -> None:
    result = grade(
        judge, case.assignment, compose(case.assignment, case.path), student=case.path.stem
    )
    failed = failing(result)
    known = {c.name for c in result.checks}
    unknown = set(case.targets) - known
    assert not unknown, f"{case.id} names checks that do not exist: {unknown}"
    missed = [name for name in case.targets if name not in failed]
    assert not missed, f"{case.id} should fail {missed}\n{explain(result)}"
    targeted_exercises = {c.exercise for c in result.checks if c.name in case.targets}
    collateral = {
        name
        for name, _ in failed.items()
        if next(c.exercise for c in result.checks if c.name == name) not in targeted_exercises
    }
    assert not collateral, f"{case.id} also fails unrelated checks {collateral}\n{explain(result)}"
    for check in result.checks:
        if check.name in failed:
            assert check.messages.en and check.messages.pt_BR, (
                f"{check.name} failed without a message"
            )


@pytest.mark.parametrize("case", ALTERNATIVE_CASES, ids=lambda c: c.id)
def test_alternative_solution_gets_full_marks(judge: Judge, case: Override) -> None:
    result = grade(
        judge, case.assignment, compose(case.assignment, case.path), student=case.path.stem
    )
    assert result.score == result.max_score, explain(result)
