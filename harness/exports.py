"""Exports of the gradebook for learning platforms: Moodle, Canvas and Gradescope.

* Moodle: a CSV for "Import grades from CSV file": identifier columns (``ID number``, ``Email
  address``, ``Full name``), then per assignment a grade column and a feedback column; in Moodle's
  import preview, map ``ID number`` to *useridnumber* (or ``Email address`` to *useremail*), each
  grade column to its grade item and each feedback column to "feedback for" that item.
* Canvas: the Gradebook import CSV: ``Student, ID, SIS User ID, SIS Login ID, Section``, then one
  column per assignment; the second row is Canvas's ``Points Possible`` row.
* Gradescope: one autograder ``results.json`` per submission (the format of Gradescope's autograder
  specification; ``docs/gradescope-results.schema.json`` is the subset written here), so the same
  records can be uploaded or compared, and :func:`gradescope_result` is what ``grade gradescope``
  writes when the harness runs inside Gradescope.

Grades are total points (automatic checks + rubric scores entered by TAs). Hidden checks show their
name and feedback message, never their source (records never hold source), and are marked
``after_published`` for Gradescope.

A roster CSV maps student folder names to the platform's identifiers (see :data:`ROSTER_COLUMNS`);
without one, the folder name is used as the identifier.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.outputs import write_atomic
from harness.records import SubmissionResult
from harness.report.render import exercise_key, format_points, safe_component
from harness.report.ui_text import ui

FORMATS = ("moodle", "canvas", "gradescope")

#: Columns of ``--roster``: ``student`` (the submission folder name) is required, the rest optional.
ROSTER_COLUMNS = (
    "student",
    "name",
    "email",
    "sis_id",
    "login",
    "canvas_id",
    "moodle_id",
    "section",
)

MOODLE_ID_COLUMNS = ("ID number", "Email address", "Full name")
CANVAS_ID_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_POSSIBLE = "Points Possible"

GRADESCOPE_VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
#: hidden checks: students see them (name, message) once the instructor publishes the grades
HIDDEN_CHECK_VISIBILITY = "after_published"
PUBLIC_CHECK_VISIBILITY = "visible"
GRADESCOPE_OUTPUT_LIMIT = 8_000


class RosterError(ValueError):
    """The roster file cannot be used (missing column, duplicate student)."""


@dataclass(frozen=True)
class RosterEntry:
    student: str
    name: str = ""
    email: str = ""
    sis_id: str = ""
    login: str = ""
    canvas_id: str = ""
    #: the Moodle participant id in e-Disciplinas' download names (`grade import moodle`)
    moodle_id: str = ""
    section: str = ""

    @classmethod
    def default(cls, student: str) -> RosterEntry:
        """Without a roster line: the folder name is the name and the SIS/ID number."""
        return cls(student=student, name=student, sis_id=student)

    @property
    def display_name(self) -> str:
        return self.name or self.student

    @property
    def id_number(self) -> str:
        return self.sis_id or self.student


Roster = dict[str, RosterEntry]


def read_roster(path: Path) -> Roster:
    """Read ``--roster``: a CSV with a header naming some of :data:`ROSTER_COLUMNS`."""
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    if "student" not in header:
        raise RosterError(
            f"the header must have a 'student' column (the submission folder name); columns: {', '.join(ROSTER_COLUMNS)}"
        )
    unknown = [h for h in header if h and h not in ROSTER_COLUMNS]
    if unknown:
        raise RosterError(
            f"unknown column(s) {', '.join(unknown)}; known: {', '.join(ROSTER_COLUMNS)}"
        )
    roster: Roster = {}
    for line, row in enumerate(reader, start=2):
        values = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        student = values.get("student", "")
        if not student:
            raise RosterError(f"line {line}: empty 'student'")
        if student in roster:
            raise RosterError(f"line {line}: student {student!r} appears twice")
        roster[student] = RosterEntry(**{k: values.get(k, "") for k in ROSTER_COLUMNS})
    return roster


def roster_entry(roster: Roster | None, student: str) -> RosterEntry:
    if roster and student in roster:
        return roster[student]
    return RosterEntry.default(student)


def unmatched(results: Iterable[SubmissionResult], roster: Roster | None) -> list[str]:
    if not roster:
        return []
    return sorted({r.student for r in results if r.student not in roster})


def _number(x: float) -> str:
    return format_points(x)


def _by_student(
    results: Iterable[SubmissionResult],
) -> tuple[list[str], dict[str, dict[str, SubmissionResult]]]:
    table: dict[str, dict[str, SubmissionResult]] = {}
    assignments: set[str] = set()
    for r in results:
        table.setdefault(r.student, {})[r.assignment] = r
        assignments.add(r.assignment)
    return sorted(assignments), table


def feedback_text(result: SubmissionResult, lang: str, *, limit: int = 10) -> str:
    """A short plain-text summary for an LMS feedback field."""
    parts = []
    if result.error:
        detail = result.errors.render(lang) if result.errors else result.error
        parts.append(ui("fb_not_loaded", lang, detail=detail))
    parts.append(
        ui("fb_automatic", lang, score=_number(result.score), max=_number(result.max_score))
    )
    if result.rubric:
        parts.append(
            ui(
                "fb_rubric",
                lang,
                score=_number(result.rubric_score),
                max=_number(result.rubric_max_score),
            )
        )
        pending = sum(1 for r in result.rubric if r.points is None)
        if pending:
            parts.append(ui("fb_rubric_pending", lang, count=pending))
        for r in result.rubric:
            if r.comment:
                parts.append(f"{r.name}: {r.comment}")
    failed = [c.name for c in result.checks if not c.passed]
    if failed and not result.error:
        names = ", ".join(failed[:limit])
        if len(failed) > limit:
            names += " " + ui("fb_more", lang, count=len(failed) - limit)
        parts.append(ui("fb_failed", lang, names=names))
    return " ".join(parts)


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def moodle_csv(
    results: list[SubmissionResult], roster: Roster | None = None, *, lang: str = "pt-BR"
) -> str:
    assignments, table = _by_student(results)
    header = list(MOODLE_ID_COLUMNS)
    for a in assignments:
        header += [a, f"{a} (feedback)"]
    rows = [header]
    for student in sorted(table):
        who = roster_entry(roster, student)
        row = [who.id_number, who.email, who.display_name]
        for a in assignments:
            r = table[student].get(a)
            row += ["", ""] if r is None else [_number(r.total_score), feedback_text(r, lang)]
        rows.append(row)
    return _csv(rows)


def canvas_csv(
    results: list[SubmissionResult], roster: Roster | None = None, *, lang: str = "pt-BR"
) -> str:
    assignments, table = _by_student(results)
    possible = {
        a: max(r.total_max_score for r in results if r.assignment == a) for a in assignments
    }
    rows = [
        [*CANVAS_ID_COLUMNS, *assignments],
        [CANVAS_POINTS_POSSIBLE, "", "", "", "", *(_number(possible[a]) for a in assignments)],
    ]
    for student in sorted(table):
        who = roster_entry(roster, student)
        row = [who.display_name, who.canvas_id, who.id_number, who.login or who.email, who.section]
        for a in assignments:
            r = table[student].get(a)
            row.append("" if r is None else _number(r.total_score))
        rows.append(row)
    return _csv(rows)


def _clip(text: str, limit: int = GRADESCOPE_OUTPUT_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def gradescope_result(
    result: SubmissionResult, *, lang: str = "pt-BR", include_rubric: bool = True
) -> dict[str, Any]:
    """Gradescope's autograder ``results.json`` for one submission."""
    tests: list[dict[str, Any]] = []
    checks = sorted(enumerate(result.checks), key=lambda ic: (exercise_key(ic[1].exercise), ic[0]))
    for _, c in checks:
        output = c.messages.render(lang)
        if c.output and (c.output.stdout or c.output.stderr):
            printed = (c.output.stdout + c.output.stderr).strip()
            output += "\n\n" + ui("gs_output_heading", lang) + "\n" + _clip(printed, 2_000)
        tests.append(
            {
                "name": c.name,
                "number": c.exercise,
                "score": round(c.points, 6),
                "max_score": round(c.max_points, 6),
                "status": "passed" if c.passed else "failed",
                "output": _clip(output),
                "tags": [c.category, "hidden" if c.hidden else "public"],
                "visibility": HIDDEN_CHECK_VISIBILITY if c.hidden else PUBLIC_CHECK_VISIBILITY,
            }
        )
    score = result.score
    if include_rubric:
        for item in result.rubric:
            if item.points is None:
                continue
            tests.append(
                {
                    "name": ui("gs_rubric_test", lang, name=item.name),
                    "number": item.exercise,
                    "score": round(item.points, 6),
                    "max_score": round(item.max_points, 6),
                    "status": "passed" if item.points >= item.max_points else "failed",
                    "output": _clip(item.comment),
                    "tags": ["rubric"],
                    "visibility": HIDDEN_CHECK_VISIBILITY,
                }
            )
            score += item.points
    summary = ui(
        "gs_summary",
        lang,
        assignment=result.assignment,
        score=_number(result.score),
        max=_number(result.max_score),
        passed=sum(1 for c in result.checks if c.passed),
        total=len(result.checks),
    )
    if result.error:
        detail = result.errors.render(lang) if result.errors else result.error
        summary = ui("fb_not_loaded", lang, detail=detail) + "\n\n" + summary
    return {
        "score": round(score, 6),
        "execution_time": max(0, round(result.duration_s)),
        "output": _clip(summary),
        "output_format": "text",
        "test_output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {
            "student": result.student,
            "assignment": result.assignment,
            "file_sha256": result.file_sha256,
            "grader_sha256": result.grader_sha256,
            "harness_version": result.harness_version,
        },
    }


def gradescope_schema() -> dict[str, Any]:
    """JSON schema of what :func:`gradescope_result` writes (a subset of Gradescope's format)."""
    visibility = {"type": "string", "enum": list(GRADESCOPE_VISIBILITIES)}
    test = {
        "type": "object",
        "required": ["name", "score", "max_score", "status", "output", "visibility"],
        "additionalProperties": False,
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "number": {"type": "string"},
            "score": {"type": "number", "minimum": 0},
            "max_score": {"type": "number", "minimum": 0},
            "status": {"type": "string", "enum": ["passed", "failed"]},
            "output": {"type": "string"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "visibility": visibility,
        },
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Gradescope autograder results.json (as written by grade export/gradescope)",
        "type": "object",
        "required": [
            "score",
            "execution_time",
            "output",
            "visibility",
            "stdout_visibility",
            "tests",
        ],
        "additionalProperties": False,
        "properties": {
            "score": {"type": "number", "minimum": 0},
            "execution_time": {"type": "integer", "minimum": 0},
            "output": {"type": "string"},
            "output_format": {
                "type": "string",
                "enum": ["text", "html", "simple_format", "md", "ansi"],
            },
            "test_output_format": {
                "type": "string",
                "enum": ["text", "html", "simple_format", "md", "ansi"],
            },
            "visibility": visibility,
            "stdout_visibility": visibility,
            "tests": {"type": "array", "items": test},
            "extra_data": {"type": "object"},
        },
    }


def export(
    results: list[SubmissionResult],
    fmt: str,
    dest: Path,
    *,
    roster: Roster | None = None,
    lang: str = "pt-BR",
) -> list[Path]:
    """Write one export; return the files written.

    ``dest`` is a file for moodle/canvas and a folder for gradescope (one
    ``ASSIGNMENT/STUDENT/results.json`` per submission).
    """
    results = sorted(results, key=lambda r: (r.student, r.assignment))
    if fmt == "moodle":
        write_atomic(dest, moodle_csv(results, roster, lang=lang))
        return [dest]
    if fmt == "canvas":
        write_atomic(dest, canvas_csv(results, roster, lang=lang))
        return [dest]
    if fmt == "gradescope":
        written = []
        for r in results:
            path = dest / safe_component(r.assignment) / safe_component(r.student) / "results.json"
            write_atomic(
                path, json.dumps(gradescope_result(r, lang=lang), indent=2, ensure_ascii=False)
            )
            written.append(path)
        return written
    raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")


def default_destination(out: Path, fmt: str) -> Path:
    return out / "exports" / ("gradescope" if fmt == "gradescope" else f"{fmt}.csv")
