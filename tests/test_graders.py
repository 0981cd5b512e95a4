"""The graders are tested like any code (DESIGN.md, "Checks are code, and the checks are tested").

For every assignment, from one parallel grading of the whole corpus (tests/batch.py):
the reference scores full marks, the stub scores zero, each mutant in tests/mutants/ID/ fails the
checks its docstring names while every exercise it does not touch keeps full marks, each correct
alternative in tests/alternatives/ID/ scores full marks, trivial submissions generated from the
contract (zeros of the reference's shapes, the input echoed, a constant) earn at most 5% of the
automatic points, and hostile return values (None, a string, an arbitrary object, a wrong-rank
array, NaNs, a dict missing a key, a generator) never crash a grader. Nothing here names an
assignment: a new grader is covered as soon as its files exist.
"""

from __future__ import annotations

import pytest

from tests.batch import Case, Graded, corpus, selected_assignments
from tests.support import Override, explain, failing

ASSIGNMENTS = selected_assignments()
CASES = corpus(ASSIGNMENTS)
TRIVIAL_SHARE = 0.05


def _cases(kind: str) -> list[Case]:
    return [case for case in CASES if case.kind == kind]


def _graded(corpus_results: dict[Case, Graded], case: Case) -> Graded:
    graded = corpus_results[case]
    assert not graded.incidents, f"{case.student}: grader errors\n" + "\n".join(
        f"{i.check}: {i.detail}" for i in graded.incidents
    )
    return graded


def _one(kind: str, assignment: str) -> Case:
    return next(c for c in CASES if c.kind == kind and c.assignment == assignment)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_gets_full_marks(corpus_results: dict[Case, Graded], assignment: str) -> None:
    result = _graded(corpus_results, _one("reference", assignment)).result
    assert result.error is None
    assert result.score == result.max_score > 0, explain(result)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_stub_gets_zero(corpus_results: dict[Case, Graded], assignment: str) -> None:
    result = _graded(corpus_results, _one("stub", assignment)).result
    assert result.score == 0, explain(result)
    for check in result.checks:
        assert "NotImplementedError" in check.messages.en or "Not assessed" in check.messages.en, (
            explain(result)
        )


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_assignment_has_enough_mutants_and_alternatives(assignment: str) -> None:
    assert sum(c.assignment == assignment for c in _cases("mutant")) >= 8
    assert sum(c.assignment == assignment for c in _cases("alternative")) >= 2


def _override(case: Case) -> Override:
    from tests.support import MUTANTS

    return Override(case.assignment, MUTANTS / case.assignment / f"{case.name}.py")


@pytest.mark.parametrize("case", _cases("mutant"), ids=lambda c: f"{c.assignment}/{c.name}")
def test_mutant_loses_points_where_targeted(corpus_results: dict[Case, Graded], case: Case) -> None:
    result = _graded(corpus_results, case).result
    targets = _override(case).targets
    failed = failing(result)
    known = {c.name for c in result.checks}
    unknown = set(targets) - known
    assert not unknown, f"{case.name} names checks that do not exist: {unknown}"
    missed = [name for name in targets if name not in failed]
    assert not missed, f"{case.name} should fail {missed}\n{explain(result)}"
    targeted_exercises = {c.exercise for c in result.checks if c.name in targets}
    collateral = {
        c.name for c in result.checks if c.name in failed and c.exercise not in targeted_exercises
    }
    assert not collateral, (
        f"{case.name} also fails unrelated checks {collateral}\n{explain(result)}"
    )
    for check in result.checks:
        if check.name in failed:
            assert check.messages.en and check.messages.pt_BR, f"{check.name} failed silently"


@pytest.mark.parametrize("case", _cases("alternative"), ids=lambda c: f"{c.assignment}/{c.name}")
def test_alternative_solution_gets_full_marks(
    corpus_results: dict[Case, Graded], case: Case
) -> None:
    result = _graded(corpus_results, case).result
    assert result.score == result.max_score, explain(result)


@pytest.mark.parametrize("case", _cases("trivial"), ids=lambda c: f"{c.assignment}/{c.name}")
def test_trivial_submission_earns_at_most_5_percent(
    corpus_results: dict[Case, Graded], case: Case
) -> None:
    result = _graded(corpus_results, case).result
    assert result.max_score > 0
    share = result.score / result.max_score
    paid = [f"{c.name} ({c.points:g})" for c in result.checks if c.points > 0]
    assert share <= TRIVIAL_SHARE, (
        f"a '{case.name}' submission earns {share:.0%} of {case.assignment}: {', '.join(paid)}\n"
        + explain(result)
    )


@pytest.mark.parametrize("case", _cases("hostile"), ids=lambda c: f"{c.assignment}/{c.name}")
def test_hostile_return_values_never_crash_the_grader(
    corpus_results: dict[Case, Graded], case: Case
) -> None:
    result = _graded(corpus_results, case).result
    assert result.error is None, result.error
    crashed = [c.name for c in result.checks if c.grader_error]
    assert not crashed, f"grader errors in {crashed}\n{explain(result)}"
    for check in result.checks:
        if not check.passed:
            assert check.messages.en.strip() and check.messages.pt_BR.strip(), check.name


@pytest.mark.slow
def test_grade_all_exits_0_and_logs_no_incident_on_hostile_submissions(tmp_path) -> None:
    """What the instructor sees: `grade all` over hostile return values ends normally."""
    from harness.cli import main
    from tests.degenerate import degenerate_source
    from tests.support import reference_text

    assignment = ASSIGNMENTS[0]
    for variant in ("object", "generator"):
        folder = tmp_path / "submissions" / variant
        folder.mkdir(parents=True)
        source = degenerate_source(reference_text(assignment), variant)
        (folder / f"{assignment}.py").write_text(source, encoding="utf-8")
    out = tmp_path / "out"
    status = main(["all", str(tmp_path / "submissions"), "--out", str(out), "-j", "1"])
    assert status == 0
    assert not (out / "grader-incidents.log").exists()
