"""Shared helpers for the tests: composing mutants, grading source text, reading headers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from harness.course import Course
from harness.judge.runner import Judge, grade_source_text
from harness.records import SubmissionResult

REPO = Path(__file__).resolve().parent.parent
COURSE = Course(REPO)
MUTANTS = REPO / "tests" / "mutants"
ALTERNATIVES = REPO / "tests" / "alternatives"
TARGETS = re.compile(r"^targets:\s*(?P<names>.+)$", re.MULTILINE)


def assignments() -> list[str]:
    return sorted(COURSE.assignments())


def reference_text(assignment: str) -> str:
    return (REPO / "reference_solutions" / f"{assignment}.py").read_text(encoding="utf-8")


def compose(assignment: str, override: Path) -> str:
    """The reference solution with the override file's definitions appended (later ones win)."""
    return (
        reference_text(assignment)
        + f"\n\n# ---- overrides from {override.name} ----\n"
        + override.read_text(encoding="utf-8")
    )


@dataclass(frozen=True)
class Override:
    assignment: str
    path: Path

    @property
    def id(self) -> str:
        return f"{self.assignment}/{self.path.stem}"

    @property
    def targets(self) -> list[str]:
        match = TARGETS.search(self.path.read_text(encoding="utf-8"))
        if not match:
            raise AssertionError(f"{self.path} has no 'targets:' line in its docstring")
        return [name.strip() for name in match["names"].split(",") if name.strip()]


def overrides(root: Path) -> list[Override]:
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(folder.glob("*.py")):
            found.append(Override(folder.name, path))
    return found


def grade(judge: Judge, assignment: str, text: str, student: str = "test") -> SubmissionResult:
    return grade_source_text(judge, assignment, text, student=student)


def failing(result: SubmissionResult) -> dict[str, str]:
    return {c.name: c.messages.en for c in result.checks if not c.passed}


def explain(result: SubmissionResult) -> str:
    lines = [f"score {result.score}/{result.max_score} error={result.error}"]
    for c in result.checks:
        lines.append(
            f"  {'ok ' if c.passed else 'BAD'} {c.exercise} {c.name}: {c.messages.en[:400]}"
        )
    return "\n".join(lines)
