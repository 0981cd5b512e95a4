"""`grade new ID` scaffolds an assignment that the harness grades as it stands."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main
from harness.course import Course
from harness.judge.runner import Judge, grade_source_text
from tests.degenerate import degenerate_source


@pytest.fixture()
def course(tmp_path: Path) -> Path:
    for folder in ("graders", "reference_solutions", "assignments", "tests"):
        (tmp_path / folder).mkdir()
    return tmp_path


@pytest.mark.slow
def test_new_assignment_is_released_and_graded(
    course: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "ch99_example", "--course", str(course), "--title", "Example"]) == 0
    printed = capsys.readouterr().out
    for relative in (
        "reference_solutions/ch99_example.py",
        "graders/ch99_example.py",
        "tests/mutants/ch99_example/README.md",
        "tests/alternatives/ch99_example/README.md",
        "assignments/ch99_example/ch99_example.py",
        "assignments/ch99_example/ch99_example.ipynb",
        "assignments/ch99_example/public_checks.py",
        "assignments/ch99_example/README.md",
    ):
        assert (course / relative).is_file(), relative
        assert relative in printed
    assert main(["release", "--check", "--course", str(course)]) == 0
    stub = (course / "assignments/ch99_example/ch99_example.py").read_text()
    assert "NotImplementedError" in stub and "X - X.mean" not in stub
    reference = (course / "reference_solutions/ch99_example.py").read_text()
    with Judge(Course(course)) as judge:
        full = grade_source_text(judge, "ch99_example", reference)
        assert full.score == full.max_score > 0
        assert grade_source_text(judge, "ch99_example", stub).score == 0
        for variant in ("zeros", "identity", "constant"):
            trivial = grade_source_text(
                judge, "ch99_example", degenerate_source(reference, variant)
            )
            assert trivial.score <= 0.05 * trivial.max_score, (variant, trivial.score)
        assert not judge.incidents


def test_new_refuses_bad_ids_and_existing_assignments(
    course: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["new", "Ch 6!", "--course", str(course)]) == 2
    assert "not a valid assignment id" in capsys.readouterr().err
    (course / "graders" / "ch07_taken.py").write_text("# mine\n")
    assert main(["new", "ch07_taken", "--course", str(course)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert (course / "graders" / "ch07_taken.py").read_text() == "# mine\n"
    assert not (course / "reference_solutions" / "ch07_taken.py").exists()
