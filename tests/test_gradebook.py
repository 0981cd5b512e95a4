"""The gradebook: atomic saves, incremental reuse, rubric scores that survive regrading."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.gradebook import Gradebook, RubricError
from harness.records import CheckResult, Localized, RubricResult, SubmissionResult


def result(student: str = "ana", points: float = 1.0, sha: str = "f1") -> SubmissionResult:
    text = Localized(**{"pt-BR": "ok", "en": "ok"})
    check = CheckResult(
        name="c",
        exercise="1.1",
        category="correctness",
        points=points,
        max_points=2.0,
        passed=points == 2.0,
        message="ok",
        messages=text,
    )
    item = RubricResult(name="essay", exercise="1.1", max_points=3.0, prompt=text)
    return SubmissionResult(
        student=student,
        assignment="ch01",
        file="ana/ch01.py",
        file_sha256=sha,
        grader_sha256="g1",
        score=0,
        max_score=0,
        checks=[check],
        rubric=[item],
    ).with_totals()


def test_saved_results_come_back_with_totals(tmp_path: Path) -> None:
    with Gradebook(tmp_path / "gb.sqlite") as gb:
        gb.save(result())
        stored = gb.result("ana", "ch01")
        assert stored is not None and stored.score == 1.0 and stored.max_score == 2.0
        assert stored.total_max_score == 5.0
        assert gb.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_is_current_depends_on_file_and_grader_hashes(tmp_path: Path) -> None:
    with Gradebook(tmp_path / "gb.sqlite") as gb:
        gb.save(result())
        assert gb.is_current("ana", "ch01", "f1", "g1")
        assert not gb.is_current("ana", "ch01", "f2", "g1")
        assert not gb.is_current("ana", "ch01", "f1", "g2")


def test_rubric_scores_are_validated_and_survive_regrading(tmp_path: Path) -> None:
    with Gradebook(tmp_path / "gb.sqlite") as gb:
        gb.save(result())
        gb.set_rubric("ana", "ch01", "essay", 2.5, "clear argument", reviewer="ta1")
        for bad in (3.5, -1.0, float("nan")):
            with pytest.raises(RubricError):
                gb.set_rubric("ana", "ch01", "essay", bad)
        with pytest.raises(RubricError):
            gb.set_rubric("ana", "ch01", "nope", 1.0)
        with pytest.raises(RubricError):
            gb.set_rubric("bob", "ch01", "essay", 1.0)
        gb.save(result(points=2.0, sha="f2"))  # regraded
        stored = gb.result("ana", "ch01")
        assert stored.rubric[0].points == 2.5 and stored.rubric[0].comment == "clear argument"
        assert stored.score == 2.0 and stored.total_score == 4.5


def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    with Gradebook(tmp_path / "gb.sqlite") as gb:
        with pytest.raises(RuntimeError), gb.transaction() as db:
            db.execute("INSERT INTO meta VALUES ('k', '1')")
            raise RuntimeError("crash in the middle")
        assert gb.meta("k") is None
