"""Records that cross a process or a file: results, rubric entries, run metadata.

``results.json`` is ``list[SubmissionResult]`` serialised by pydantic; ``grade schema`` prints its
JSON schema and ``docs/results.schema.json`` holds a copy that a test keeps current.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pydantic.json_schema import SkipJsonSchema

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


class WrittenAnswer(_Record):
    """What a student wrote in the answer slot of a rubric item, read from the file as data.

    The judge reads it from the notebook's JSON or the ``.py`` text (never by running the file):
    see :mod:`harness.answers` for the slots' convention.
    """

    state: Literal["answered", "blank", "missing"] = Field(
        description="answered; blank: the slot is in the file but empty; missing: no slot found"
    )
    text: str = Field(default="", description="the answer as written (markdown), capped")
    cell: int | None = Field(default=None, description="notebook cell of the slot (1-based)")
    line: int | None = Field(default=None, description="line of the slot's heading (.py files)")
    truncated: bool = False


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
    answer: WrittenAnswer | None = Field(
        default=None,
        description="the student's written answer (null: not read, e.g. graded before answers were)",
    )


class SubmittedFile(_Record):
    """The submitted file as kept in the gradebook for the TA's page (never in results.json).

    ``text`` is the ``.py`` source, or the notebook's JSON with oversized outputs shortened and
    outputs that only a live kernel could show (scripts, widgets) dropped. Format ``text``: a file
    that could not be read as a notebook, shown as it is.
    """

    format: Literal["python", "notebook", "text"]
    text: str
    size_bytes: int = 0
    lines: int = 0
    cells: int = 0
    trimmed: int = Field(default=0, description="outputs or cells shortened or left out")
    truncated: bool = Field(default=False, description="the text was cut at the size limit")


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
    cell_problems: list[Localized] = Field(
        default_factory=list,
        description="notebook cells that failed while loading and were skipped (the other cells ran)",
    )
    import_output: CapturedOutput | None = None
    duration_s: float = 0.0
    graded_at: str = ""
    isolation: str = ""
    harness_version: str = ""
    language: str = "pt-BR"
    submitted: SkipJsonSchema[SubmittedFile | None] = Field(
        default=None,
        description="the file itself, for the TA's page; kept in the gradebook, not in results.json",
    )

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


#: fields of a SubmissionResult kept in the gradebook but left out of results.json
GRADEBOOK_ONLY_FIELDS = frozenset({"submitted"})


def results_json(results: list[SubmissionResult]) -> str:
    """``results.json``: the results without what only the gradebook keeps (the files)."""
    data = RESULTS_ADAPTER.dump_json(
        results, indent=2, by_alias=True, exclude={"__all__": set(GRADEBOOK_ONLY_FIELDS)}
    )
    return data.decode() + "\n"


def results_schema() -> dict:
    return RESULTS_ADAPTER.json_schema(by_alias=True)
