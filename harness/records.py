"""Records that cross a process or a file: results, rubric entries, run metadata.

``results.json`` is ``list[SubmissionResult]`` serialised by pydantic; ``grade schema`` prints its
JSON schema and ``docs/results.schema.json`` holds a copy that a test keeps current.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

Category = Literal[
    "correctness",
    "shape",
    "leakage",
    "robustness",
    "side-effects",
    "stability",
    "behaviour",
    "performance",
    "rubric",
]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Localized(_Record):
    """One text in the two languages of the course."""

    pt_BR: str = Field(alias="pt-BR")
    en: str

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def render(self, lang: str) -> str:
        return self.en if lang == "en" else self.pt_BR


class Artifact(_Record):
    """Something for a person to look at next to a check: an image or a small table."""

    kind: Literal["image/png", "table"]
    title: Localized
    data_base64: str | None = Field(default=None, description="PNG bytes, base64 (images)")
    columns: list[str] = Field(default_factory=list, description="column headers (tables)")
    rows: list[list[str | float | int | None]] = Field(default_factory=list)


class CapturedOutput(_Record):
    """What the student's code printed during one check (capped)."""

    stdout: str = ""
    stderr: str = ""
    truncated: bool = False


class CheckResult(_Record):
    name: str = Field(description="check identifier, e.g. check_train_output_ignores_test_set")
    exercise: str = Field(description='exercise number, e.g. "1.1"')
    category: Category
    points: float = Field(description="points earned")
    max_points: float
    passed: bool
    message: str = Field(description="feedback in the language of the run")
    messages: Localized = Field(description="the same feedback in every language")
    title: Localized | None = Field(default=None, description="what the check establishes")
    hidden: bool = True
    duration_s: float = 0.0
    output: CapturedOutput | None = None
    artifacts: list[Artifact] = Field(default_factory=list)
    grader_error: bool = Field(
        default=False,
        description="the check itself failed (a grader bug); the student is not to blame",
    )


class RubricResult(_Record):
    """A written part scored by a TA; ``points`` stays null until someone scores it."""

    name: str
    exercise: str
    max_points: float
    prompt: Localized
    points: float | None = None
    comment: str = ""
    reviewer: str | None = None
    updated_at: str | None = None


class SubmissionResult(_Record):
    student: str
    assignment: str
    file: str = Field(description="path of the graded file, relative to the submissions folder")
    file_sha256: str
    grader_sha256: str = Field(description="hash of grader + reference + harness version")
    score: float = Field(description="points earned on the automatic checks")
    max_score: float
    checks: list[CheckResult]
    rubric: list[RubricResult] = Field(default_factory=list)
    rubric_score: float = Field(default=0.0, description="points entered by TAs so far")
    rubric_max_score: float = 0.0
    total_score: float = 0.0
    total_max_score: float = 0.0
    error: str | None = Field(
        default=None, description="why the file could not be loaded at all (then every check is 0)"
    )
    errors: Localized | None = None
    import_output: CapturedOutput | None = None
    duration_s: float = 0.0
    graded_at: str = ""
    isolation: str = ""
    harness_version: str = ""
    language: str = "pt-BR"

    def with_totals(self) -> SubmissionResult:
        """Recompute every score from the checks and rubric entries (never trust stored sums)."""
        score = sum(c.points for c in self.checks)
        max_score = sum(c.max_points for c in self.checks)
        rubric_score = sum(r.points or 0.0 for r in self.rubric)
        rubric_max = sum(r.max_points for r in self.rubric)
        return self.model_copy(
            update={
                "score": round(score, 6),
                "max_score": round(max_score, 6),
                "rubric_score": round(rubric_score, 6),
                "rubric_max_score": round(rubric_max, 6),
                "total_score": round(score + rubric_score, 6),
                "total_max_score": round(max_score + rubric_max, 6),
            }
        )


class SkippedFile(_Record):
    path: str
    reason: str


class RunInfo(_Record):
    """Metadata of one `grade all` run, written next to results.json."""

    started_at: str
    finished_at: str | None = None
    isolation: str
    harness_version: str
    submissions: int = 0
    graded: int = 0
    reused: int = 0
    jobs: int = 1
    wall_s: float = 0.0
    skipped: list[SkippedFile] = Field(default_factory=list)


RESULTS_ADAPTER: TypeAdapter[list[SubmissionResult]] = TypeAdapter(list[SubmissionResult])


def results_schema() -> dict:
    return RESULTS_ADAPTER.json_schema(by_alias=True)
