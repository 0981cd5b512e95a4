"""HTML reports from gradebook records (never from live runs).

``render_report`` writes ``index.html`` (class overview), ``STUDENT/index.html`` (a student's
submissions) and ``STUDENT/ASSIGNMENT.html`` (one page per submission). Pages are self-contained:
CSS inline, charts as inline SVG, images as data URIs, a Content-Security-Policy that forbids
loading anything from elsewhere, so they open from disk without a server. The only script (sorting
the students table) is a progressive enhancement: without it every table is still complete.

The review app (:mod:`harness.serve`) renders the same pages with ``render_index`` and
``render_submission``, adding a rubric form (:class:`RubricForm`) to the submission pages.
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import hashlib
import os
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from harness.answers import slot_heading
from harness.i18n import normalize_language
from harness.records import CheckResult, Localized, RunInfo, SubmissionResult
from harness.report.submitted import link_locations, render_answer, render_file, source_css
from harness.report.ui_text import category, ui

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"
SORT_SCRIPT_FILE = "sortable.js"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _environment() -> jinja2.Environment:
    if not TEMPLATES.is_dir():
        raise FileNotFoundError(f"report templates not found in {TEMPLATES}")
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda x: f"{100.0 * x:.0f}%"
    env.filters["num"] = format_points
    env.filters["href"] = lambda pair: submission_href(*pair)
    env.filters["anchor"] = anchor
    env.globals["href"] = submission_href
    env.globals["student_href"] = student_href
    env.globals["answer_html"] = render_answer
    env.globals["locate"] = link_locations
    env.globals["slot_heading"] = slot_heading
    return env


_ENV: jinja2.Environment | None = None


def environment() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = _environment()
    return _ENV


def sort_script() -> str:
    return (TEMPLATES / SORT_SCRIPT_FILE).read_text(encoding="utf-8")


def content_security_policy(*, served: bool = False, header: bool = False) -> str:
    """Nothing may load from elsewhere: styles inline, images as data URIs, one hashed script.

    ``header``: the HTTP header of the review app, which can also forbid framing (a ``<meta>``
    policy cannot).
    """
    digest = base64.b64encode(hashlib.sha256(sort_script().encode()).digest()).decode()
    policy = [
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src data:",
        f"script-src 'sha256-{digest}'",
        "base-uri 'none'",
        "form-action 'self'" if served else "form-action 'none'",
    ]
    if header:
        policy.append("frame-ancestors 'none'")
    return "; ".join(policy)


def format_points(x: object) -> str:
    """Points without trailing zeros (1, 1.5, 0.25); '–' for missing values."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return "–"
    text = f"{round(float(x), 4):.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def anchor(name: str) -> str:
    """An id attribute value made of safe characters (check and item names already are)."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


def submission_href(student: str, assignment: str) -> str:
    """Link from the report's root to a submission page (URL-quoted)."""
    return f"{quote(student, safe='')}/{quote(assignment, safe='')}.html"


def student_href(student: str) -> str:
    return f"{quote(student, safe='')}/index.html"


def safe_component(name: str) -> str:
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise ValueError(f"unsafe name for a report file: {name!r}")
    return name


def submission_file(out_dir: Path, student: str, assignment: str) -> Path:
    return out_dir / safe_component(student) / f"{safe_component(assignment)}.html"


def _write(path: Path, text: str) -> None:
    """Atomic write: a crash never leaves half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def exercise_key(exercise: str) -> tuple[tuple[int, int | str], ...]:
    """'1.10' after '1.9'; numbers before words; never compares an int with a str."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in exercise.split("."))


def check_state(c: CheckResult) -> str:
    if c.grader_error:
        return "grader_error"
    if c.passed:
        return "passed"
    return "partial" if c.points > 0 else "failed"


def is_png_base64(data: str | None) -> bool:
    if not data:
        return False
    try:
        head = base64.b64decode(data[:24].encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return False
    return head.startswith(PNG_MAGIC) and all(ch.isalnum() or ch in "+/=" for ch in data[:4096])


# -- the class overview ---------------------------------------------------------------------------


@dataclass
class Histogram:
    """Counts of score percentages in ten bins, drawn as an inline SVG bar chart with axes."""

    counts: list[int]
    width: int = 380
    height: int = 180
    left: int = 30
    right: int = 18
    bottom: int = 34
    top: int = 14

    @classmethod
    def of(cls, fractions: Iterable[float]) -> Histogram:
        counts = [0] * 10
        for value in fractions:
            value = min(max(float(value), 0.0), 1.0)
            counts[min(int(value * 10), 9)] += 1
        return cls(counts)

    @property
    def peak(self) -> int:
        return max(self.counts) if self.counts else 0

    @property
    def plot_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> float:
        return self.height - self.bottom - self.top

    @property
    def baseline(self) -> float:
        return self.height - self.bottom

    @staticmethod
    def label(i: int) -> str:
        return f"{i * 10}–{i * 10 + 10}%"

    def bars(self) -> list[dict[str, Any]]:
        peak = self.peak or 1
        bar = self.plot_width / len(self.counts)
        rows = []
        for i, count in enumerate(self.counts):
            h = self.plot_height * count / peak
            rows.append(
                {
                    "x": round(self.left + i * bar + 1, 1),
                    "y": round(self.baseline - h, 1),
                    "w": round(bar - 2, 1),
                    "h": round(h, 1),
                    "count": count,
                    "label": self.label(i),
                }
            )
        return rows

    def x_ticks(self) -> list[dict[str, Any]]:
        return [
            {"x": round(self.left + self.plot_width * p / 100, 1), "label": f"{p}%"}
            for p in range(0, 101, 20)
        ]

    def y_ticks(self) -> list[dict[str, Any]]:
        peak = self.peak
        values = sorted({0, peak, peak // 2} if peak >= 2 else {0, peak})
        return [
            {"y": round(self.baseline - self.plot_height * v / (peak or 1), 1), "label": v}
            for v in values
        ]

    def describe(self) -> str:
        return ", ".join(f"{self.label(i)}: {c}" for i, c in enumerate(self.counts) if c)


@dataclass
class CheckStat:
    name: str
    exercise: str
    category: str
    hidden: bool
    title: Localized | None
    failing: list[str] = field(default_factory=list)
    total: int = 0
    grader_errors: int = 0

    @property
    def share(self) -> float:
        return len(self.failing) / self.total if self.total else 0.0


@dataclass
class UnansweredItem:
    """A rubric item and the students whose answer is blank or missing (answers read only)."""

    name: str
    exercise: str
    students: list[str] = field(default_factory=list)


@dataclass
class AssignmentSummary:
    id: str
    results: list[SubmissionResult] = field(default_factory=list)

    @property
    def fractions(self) -> list[float]:
        return [r.score / r.max_score if r.max_score else 0.0 for r in self.results]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.fractions) if self.results else 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.fractions) if self.results else 0.0

    @property
    def lowest(self) -> float:
        return min(self.fractions) if self.results else 0.0

    @property
    def highest(self) -> float:
        return max(self.fractions) if self.results else 0.0

    @property
    def max_score(self) -> float:
        return max((r.max_score for r in self.results), default=0.0)

    @property
    def histogram(self) -> Histogram:
        return Histogram.of(self.fractions)

    @property
    def not_loaded(self) -> list[SubmissionResult]:
        return [r for r in self.results if r.error]

    @property
    def check_stats(self) -> list[CheckStat]:
        """Per check, who fails it, among the submissions that could be loaded; worst first.

        A file that could not be loaded fails every check, which says nothing about what the class
        has learned, so those submissions are left out (the page says how many). A check that
        errored in the grader is not the student's failure and is counted apart.
        """
        stats: dict[str, CheckStat] = {}
        for result in self.results:
            if result.error:
                continue
            for c in result.checks:
                stat = stats.get(c.name)
                if stat is None:
                    stat = stats[c.name] = CheckStat(
                        c.name, c.exercise, c.category, c.hidden, c.title
                    )
                stat.total += 1
                if c.grader_error:
                    stat.grader_errors += 1
                elif not c.passed:
                    stat.failing.append(result.student)
        return sorted(stats.values(), key=lambda s: (-s.share, exercise_key(s.exercise), s.name))

    @property
    def failing_stats(self) -> list[CheckStat]:
        return [s for s in self.check_stats if s.failing]

    @property
    def passing_stats(self) -> list[CheckStat]:
        return [s for s in self.check_stats if not s.failing]

    @property
    def rubric_total(self) -> int:
        return sum(len(r.rubric) for r in self.results)

    @property
    def rubric_scored(self) -> int:
        return sum(1 for r in self.results for item in r.rubric if item.points is not None)

    @property
    def unanswered(self) -> list[UnansweredItem]:
        """Per rubric item, who left it blank (or has no slot for it), in exercise order."""
        items: dict[str, UnansweredItem] = {}
        for r in self.results:
            for item in r.rubric:
                entry = items.setdefault(item.name, UnansweredItem(item.name, item.exercise))
                if item.answer is not None and item.answer.state != "answered":
                    entry.students.append(r.student)
        return sorted(
            (i for i in items.values() if i.students),
            key=lambda i: (exercise_key(i.exercise), i.name),
        )

    @property
    def awaiting_review(self) -> list[tuple[str, int]]:
        """(student, items not scored yet), in student order."""
        pending = []
        for r in self.results:
            count = sum(1 for item in r.rubric if item.points is None)
            if count:
                pending.append((r.student, count))
        return pending


@dataclass
class StudentRow:
    name: str
    by_assignment: dict[str, SubmissionResult]

    @property
    def total(self) -> float:
        return sum(r.total_score for r in self.by_assignment.values())

    @property
    def total_max(self) -> float:
        return sum(r.total_max_score for r in self.by_assignment.values())

    @property
    def pending(self) -> int:
        return sum(
            1 for r in self.by_assignment.values() for item in r.rubric if item.points is None
        )


@dataclass
class ClassModel:
    assignments: list[AssignmentSummary]
    students: list[StudentRow]

    @classmethod
    def of(cls, results: Iterable[SubmissionResult]) -> ClassModel:
        by_assignment: dict[str, AssignmentSummary] = {}
        students: dict[str, dict[str, SubmissionResult]] = defaultdict(dict)
        for result in sorted(results, key=lambda r: (r.student, r.assignment)):
            by_assignment.setdefault(
                result.assignment, AssignmentSummary(result.assignment)
            ).results.append(result)
            students[result.student][result.assignment] = result
        return cls(
            assignments=[by_assignment[k] for k in sorted(by_assignment)],
            students=[StudentRow(name, rows) for name, rows in sorted(students.items())],
        )

    @property
    def submissions(self) -> int:
        return sum(len(a.results) for a in self.assignments)

    @property
    def rubric_total(self) -> int:
        return sum(a.rubric_total for a in self.assignments)

    @property
    def rubric_scored(self) -> int:
        return sum(a.rubric_scored for a in self.assignments)


# -- a submission page ----------------------------------------------------------------------------


@dataclass
class ExerciseGroup:
    exercise: str
    checks: list[CheckResult]

    @property
    def points(self) -> float:
        return sum(c.points for c in self.checks)

    @property
    def max_points(self) -> float:
        return sum(c.max_points for c in self.checks)

    @property
    def passed(self) -> int:
        return sum(1 for c in self.checks if c.passed)


def group_by_exercise(result: SubmissionResult) -> list[ExerciseGroup]:
    groups: dict[str, list[CheckResult]] = defaultdict(list)
    for c in result.checks:
        groups[c.exercise].append(c)
    return [ExerciseGroup(k, groups[k]) for k in sorted(groups, key=exercise_key)]


@dataclass
class RubricForm:
    """What the review app adds to a submission page: forms, the last error, the last save."""

    token: str
    gradebook: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    saved: str | None = None

    def value(self, item: str, key: str, default: object) -> str:
        entered = self.values.get(item, {})
        if key in entered:
            return entered[key]
        if default is None:
            return ""
        return format_points(default) if isinstance(default, int | float) else str(default)


def _common(lang: str, title: str, *, served: bool) -> dict[str, Any]:
    lang = normalize_language(lang)
    return {
        "lang": lang,
        "t": lambda key, **values: ui(key, lang, **values),
        "category": lambda name: category(name, lang),
        "title": title,
        "generated": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "csp": content_security_policy(served=served),
        "script": Markup(sort_script()),
        "state": check_state,
        "is_png": is_png_base64,
        "served": served,
    }


def render_index(
    results: Iterable[SubmissionResult],
    *,
    lang: str = "pt-BR",
    run: RunInfo | None = None,
    title: str = "PCS 5022",
    served: bool = False,
    similarity: Any = None,
) -> str:
    model = ClassModel.of(results)
    return (
        environment()
        .get_template("index.html.j2")
        .render(
            **_common(lang, title, served=served),
            model=model,
            assignments=model.assignments,
            students=model.students,
            run=run,
            root="",
            similarity=similarity,
        )
    )


def render_student(
    student: str,
    results: Iterable[SubmissionResult],
    *,
    lang: str = "pt-BR",
    title: str = "PCS 5022",
    served: bool = False,
) -> str:
    rows = sorted((r for r in results if r.student == student), key=lambda r: r.assignment)
    return (
        environment()
        .get_template("student.html.j2")
        .render(
            **_common(lang, title, served=served),
            student=StudentRow(student, {r.assignment: r for r in rows}),
            results=rows,
            root="../",
        )
    )


def render_submission(
    result: SubmissionResult,
    *,
    lang: str = "pt-BR",
    title: str = "PCS 5022",
    form: RubricForm | None = None,
) -> str:
    groups = group_by_exercise(result)
    source, source_problem = (
        render_file(result.submitted) if result.submitted is not None else (None, None)
    )
    figures = [
        (c, art)
        for c in result.checks
        for art in c.artifacts
        if art.kind == "image/png" and is_png_base64(art.data_base64)
    ]
    return (
        environment()
        .get_template("submission.html.j2")
        .render(
            **_common(lang, title, served=form is not None),
            result=result,
            exercises=groups,
            failed=[c for c in result.checks if not c.passed],
            figures=figures,
            form=form,
            source=source,
            source_problem=source_problem,
            source_css=Markup(source_css()) if source is not None else "",
            root="../",
        )
    )


def render_error_page(
    heading: str, detail: str, *, lang: str = "pt-BR", title: str = "PCS 5022"
) -> str:
    return (
        environment()
        .get_template("error.html.j2")
        .render(**_common(lang, title, served=True), heading=heading, detail=detail, root="/")
    )


def render_report(
    results: list[SubmissionResult],
    out_dir: Path,
    *,
    lang: str = "pt-BR",
    run: RunInfo | None = None,
    title: str = "PCS 5022",
    only: set[tuple[str, str]] | None = None,
) -> Path:
    """Write the class overview, the student pages and the submission pages; return the overview.

    ``only`` limits the submission pages (and student pages) rewritten to those (student,
    assignment) pairs; the overview is always rewritten.
    """
    from harness.similarity import read_report

    lang = normalize_language(lang)
    similar = read_report(out_dir.parent)
    _write(
        out_dir / "index.html",
        render_index(results, lang=lang, run=run, title=title, similarity=similar),
    )
    students = sorted({r.student for r in results})
    for student in students:
        if only is not None and not any(s == student for s, _ in only):
            continue
        _write(
            out_dir / safe_component(student) / "index.html",
            render_student(student, results, lang=lang, title=title),
        )
    for result in results:
        if only is not None and (result.student, result.assignment) not in only:
            continue
        _write(
            submission_file(out_dir, result.student, result.assignment),
            render_submission(result, lang=lang, title=title),
        )
    return out_dir / "index.html"
