"""The static selection of the exercises a mutant can change (tests/selection.py)."""

from __future__ import annotations

from tests.selection import exercises_to_grade, rebound_names

REFERENCE = """
import numpy as np

SCALE = 2.0


def helper(x):
    return x * SCALE


def uses_helper(x):
    return helper(x) + 1


def independent(x):
    return np.zeros_like(x)
"""


def test_a_rebound_function_reaches_its_callers_and_nothing_else() -> None:
    override = "import numpy as np\n\ndef helper(x):\n    return x\n"
    assert rebound_names(REFERENCE, override) == {"helper", "uses_helper"}


def test_a_rebound_constant_reaches_what_reads_it() -> None:
    assert rebound_names(REFERENCE, "SCALE = 3.0\n") == {"SCALE", "helper", "uses_helper"}


def test_an_import_other_than_the_reference_s_counts_as_rebinding() -> None:
    changed = rebound_names(REFERENCE, "import torch as np\n")
    assert {"np", "independent"} <= changed


def test_research_metric_mutant_reaches_the_training_exercise() -> None:
    override = "def rotation_metric(init_state, state):\n    return 0.0\n"
    grade = exercises_to_grade("research_critical_periods", override, [])
    assert grade == {"P.1", "P.2"}


def test_targets_exercises_are_always_graded() -> None:
    override = "def unrelated_helper():\n    return 1\n"
    grade = exercises_to_grade(
        "research_critical_periods", override, ["check_rotation_metric_small_example"]
    )
    assert grade == {"P.1"}


def test_ch05_ensemble_mutant_leaves_the_metric_exercises_out() -> None:
    override = "class AveragingEnsemble:\n    pass\n"
    grade = exercises_to_grade("ch05_regularization", override, [])
    assert "5.1" in grade and "5.3" not in grade


def test_check_selection_keeps_targets_their_ancestors_and_reached_checks_elsewhere() -> None:
    from tests.selection import check_exercises, check_requires, checks_to_grade

    override = "def rotation_metric(init_state, state):\n    return 0.0\n"
    target = "check_rotation_metric_matches_definition"
    chosen = checks_to_grade("research_critical_periods", override, [target])
    owners = check_exercises("research_critical_periods")
    assert target in chosen
    # the other P.1 checks are read by no assertion of the mutant test
    assert "check_rotation_metric_known_values" not in chosen
    # P.2 calls rotation_metric: a P.2 failure would be collateral, so P.2's checks that can
    # reach it run, with their ancestors
    p2 = {name for name in chosen if owners[name] == "P.2"}
    assert p2
    requires = check_requires("research_critical_periods")
    assert {a for name in p2 for a in requires[name] if owners[a] == "P.2"} <= chosen
