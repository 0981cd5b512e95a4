"""Per-call budgets derived from the reference's own time (harness/judge/call_budgets.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.course import Course
from harness.imports import nested_imports
from harness.judge.call_budgets import BudgetPolicy, CallClock, CallTimes, call_key
from harness.judge.reference_cache import ReferenceCache
from harness.judge.runner import Judge, JudgeOptions, grade_source_text
from harness.judge.session import Budgets, WorkerSession
from harness.notebook import PreparedSource
from harness.remote.handles import RemoteModule

COURSE = Course(Path(__file__).parent / "budgets" / "course")
REFERENCE = (COURSE.root / "reference_solutions" / "budget_target.py").read_text()
ASSIGNMENT = "budget_target"
SETTING_S = 30.0  # the grader's fixed call timeout

# -- the clock, on plain data --------------------------------------------------------------------


def _clock(checks: dict[str, dict[str, list[float]]]) -> CallClock:
    times = CallTimes(fingerprint="f", device="cpu", checks=checks)
    return CallClock(times, BudgetPolicy(factor=20.0, floor_s=1.0))


def _call(name: str) -> dict:
    return {"op": "call", "target": ("module", name), "args": (), "kwargs": {}}


def test_the_nth_call_is_budgeted_by_the_references_nth_call() -> None:
    clock = _clock({"check_a": {"function:f": [0.01, 0.5]}})
    clock.begin_check("check_a")
    first, second = clock.next_call(_call("f")), clock.next_call(_call("f"))
    assert first == ("function:f", 0) and second == ("function:f", 1)
    assert clock.budget(first, SETTING_S).seconds == 1.0  # 20 x 0.01 s is under the floor
    assert clock.budget(second, SETTING_S).seconds == 10.0  # 20 x 0.5 s


def test_a_call_the_reference_never_made_gets_its_slowest_call_of_that_function() -> None:
    clock = _clock({"check_a": {"function:f": [0.01, 0.5]}})
    clock.begin_check("check_a")
    calls = [clock.next_call(_call("f")) for _ in range(3)]
    assert clock.budget(calls[2], SETTING_S).seconds == 10.0


def test_counts_restart_with_each_check() -> None:
    clock = _clock({"check_a": {"function:f": [0.5]}, "check_b": {"function:f": [0.01]}})
    clock.begin_check("check_a")
    assert clock.next_call(_call("f")) == ("function:f", 0)
    clock.begin_check("check_b")
    call = clock.next_call(_call("f"))
    assert call == ("function:f", 0) and clock.budget(call, SETTING_S).seconds == 1.0


def test_the_setting_applies_without_a_reference_time_or_when_it_is_shorter() -> None:
    clock = _clock({"check_a": {"function:f": [5.0]}})
    clock.begin_check("check_a")
    assert clock.budget(clock.next_call(_call("f")), SETTING_S) is None  # 100 s > 30 s
    assert clock.budget(clock.next_call(_call("g")), SETTING_S) is None  # never called
    clock.begin_check("check_unknown")
    assert clock.budget(clock.next_call(_call("f")), SETTING_S) is None
    assert CallClock().budget(("function:f", 0), SETTING_S) is None  # recording, not budgeting


def test_only_calls_of_student_code_are_budgeted() -> None:
    assert call_key(_call("f")) == "function:f"
    assert call_key({"op": "call", "target": 3, "args": ()}) == "object:__call__"
    assert call_key({"op": "call_method", "target": 3, "name": "fit"}) == "method:fit"
    for op in ("put", "getattr", "summary", "seed", "release_all", "has"):
        assert call_key({"op": op, "target": 3}) is None


def test_recorded_times_come_back_by_check_and_ordinal() -> None:
    clock = CallClock.recording()
    clock.begin_check("check_a")
    clock.record(clock.next_call(_call("f")), 0.2)
    clock.record(clock.next_call(_call("f")), 0.3)
    measured = clock.measured("fp", "cpu")
    assert measured.checks == {"check_a": {"function:f": [0.2, 0.3]}}
    assert CallTimes.model_validate_json(measured.model_dump_json()) == measured


def test_nested_imports_are_those_made_only_inside_functions() -> None:
    source = "import numpy\nfrom torch import nn\n\ndef f():\n    import numpy\n    from xml.dom import minidom\n    import json as j\n"
    assert nested_imports(source) == ("xml.dom", "json")
    assert nested_imports("def f(:\n") == ()


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("budgets-cache")


@pytest.fixture(scope="module")
def judge(cache_dir: Path) -> Iterator[Judge]:
    with Judge(COURSE, JudgeOptions(cache_dir=cache_dir, derive_budgets=True)) as shared:
        yield shared


# -- in a worker --------------------------------------------------------------------------------


def test_modules_imported_inside_functions_are_loaded_with_the_file(judge: Judge) -> None:
    source = (
        "import sys\n\ndef already_loaded():\n    loaded = 'xml.dom.minidom' in sys.modules\n"
        "    import xml.dom.minidom\n    return loaded\n"
    )
    for preload, expected in (((), False), (nested_imports(source), True)):
        session = WorkerSession(
            PreparedSource(source), judge.launcher, Budgets(import_s=20.0), preload=preload
        )
        with session:
            session.start()
            session.begin_check(1)
            assert RemoteModule(session).already_loaded() is expected


# -- grading with derived budgets ----------------------------------------------------------------


def _by_name(result) -> dict:
    return {c.name: c for c in result.checks}


def test_the_reference_is_measured_once_and_the_measure_is_kept(judge: Judge, cache_dir) -> None:
    assert grade_source_text(judge, ASSIGNMENT, REFERENCE).score == 2
    grader = judge.grader(ASSIGNMENT)
    cache = ReferenceCache(cache_dir / "reference-results.sqlite")
    try:
        stored = CallTimes.model_validate_json(cache.call_times(grader.fingerprint, "cpu") or "")
    finally:
        cache.close()
    (slow,) = stored.checks["check_slow_total"]["function:slow_total"]
    assert 0.15 <= slow < SETTING_S / 20
    assert set(stored.checks) == {"check_slow_total", "check_quick_double"}


def test_a_stored_measure_is_reused_not_measured_again(judge: Judge, monkeypatch) -> None:
    """What a second judge of the run (or a later run) does: read the measure from the cache."""

    def refuse(self, grader):
        raise AssertionError("calibrated again although a measure is stored")

    grader = judge.grader(ASSIGNMENT)
    measured = judge.call_times(grader)
    judge._call_times.clear()
    monkeypatch.setattr(Judge, "_calibrate", refuse)
    assert judge.call_times(grader) == measured


def test_a_correct_solution_several_times_slower_than_the_reference_passes(judge: Judge) -> None:
    slow = REFERENCE.replace("time.sleep(0.15)", "time.sleep(1.0)")
    assert slow != REFERENCE
    result = grade_source_text(judge, ASSIGNMENT, slow, student="slow")
    assert result.score == 2, [c.messages.en for c in result.checks]


def test_a_looping_call_is_stopped_at_the_derived_budget_and_told_so(judge: Judge) -> None:
    looping = REFERENCE.replace(
        "    time.sleep(0.15)\n", "    while True:\n        pass\n"
    ).replace("    return 2 * x\n", "    while True:\n        pass\n")
    assert looping.count("while True") == 2
    checks = _by_name(grade_source_text(judge, ASSIGNMENT, looping, student="looping"))
    for name in ("check_slow_total", "check_quick_double"):
        check = checks[name]
        assert not check.passed
        assert "20 times what the reference solution needs for the same call" in check.messages.en
        assert check.duration_s < SETTING_S / 3, check.messages.en  # not the grader's 30 s
    assert "within 1 s" in checks["check_quick_double"].messages.en  # 20 x its time < the floor
    assert "within 1 s" not in checks["check_slow_total"].messages.en  # 20 x 0.15 s = 3 s


def test_fixed_budgets_are_the_default_of_the_python_api() -> None:
    assert JudgeOptions().derive_budgets is False
    with Judge(COURSE) as plain:
        assert plain.call_times(plain.grader(ASSIGNMENT)) is None
