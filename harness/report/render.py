"""HTML reports from gradebook records (never from live runs).

``render_report`` writes ``index.html`` (class overview) and ``STUDENT/ASSIGNMENT.html`` (one page
per submission). Pages are self-contained: CSS inline, charts as inline SVG, images as data URIs,
so they open from disk without a server or JavaScript.
"""

from __future__ import annotations

import datetime as _dt
import os
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from harness.i18n import normalize_language
from harness.records import RunInfo, SubmissionResult
from harness.report.ui_text import ui

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


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
    env.filters["num"] = lambda x: f"{x:g}" if isinstance(x, int | float) else "–"
    return env


def _write(path: Path, text: str) -> None:
    """Atomic write: a crash never leaves half a page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


@dataclass
class Histogram:
    """Counts of score percentages in ten bins, drawn as inline SVG bars."""

    counts: list[int]
    width: int = 300
    height: int = 90

    @classmethod
    def of(cls, fractions: list[float]) -> Histogram:
        counts = [0] * 10
        for value in fractions:
            counts[min(int(value * 10), 9)] += 1
        return cls(counts)

    def bars(self) -> list[dict[str, Any]]:
        peak = max(self.counts) or 1
        bar = self.width / len(self.counts)
        rows = []
        for i, count in enumerate(self.counts):
            h = (self.height - 16) * count / peak
            rows.append(
                {
                    "x": round(i * bar + 1, 1),
                    "y": round(self.height - 14 - h, 1),
                    "w": round(bar - 2, 1),
                    "h": round(h, 1),
                    "count": count,
                    "label": f"{i * 10}–{i * 10 + 10}%",
                }
            )
        return rows


@dataclass
class CheckStat:
    name: str
    exercise: str
    category: str
    failing: int
    total: int

    @property
    def share(self) -> float:
        return self.failing / self.total if self.total else 0.0


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
    def histogram(self) -> Histogram:
        return Histogram.of(self.fractions)

    @property
    def check_stats(self) -> list[CheckStat]:
        stats: dict[str, CheckStat] = {}
        for result in self.results:
            for c in result.checks:
                stat = stats.setdefault(c.name, CheckStat(c.name, c.exercise, c.category, 0, 0))
                stat.total += 1
                stat.failing += 0 if c.passed else 1
        return sorted(stats.values(), key=lambda s: (-s.share, s.exercise, s.name))


def group_by_exercise(result: SubmissionResult) -> list[tuple[str, list[Any]]]:
    groups: dict[str, list[Any]] = defaultdict(list)
    for c in result.checks:
        groups[c.exercise].append(c)
    return sorted(
        groups.items(), key=lambda kv: [int(p) if p.isdigit() else p for p in kv[0].split(".")]
    )


def render_report(
    results: list[SubmissionResult],
    out_dir: Path,
    *,
    lang: str = "pt-BR",
    run: RunInfo | None = None,
    title: str = "PCS 5022",
) -> Path:
    """Write the class overview and every submission page; return the overview's path."""
    lang = normalize_language(lang)
    env = _environment()
    generated = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    common = {"lang": lang, "t": lambda key: ui(key, lang), "title": title, "generated": generated}
    by_assignment: dict[str, AssignmentSummary] = {}
    students: dict[str, dict[str, SubmissionResult]] = defaultdict(dict)
    for result in results:
        by_assignment.setdefault(
            result.assignment, AssignmentSummary(result.assignment)
        ).results.append(result)
        students[result.student][result.assignment] = result
    assignments = [by_assignment[k] for k in sorted(by_assignment)]
    index = env.get_template("index.html.j2").render(
        **common,
        assignments=assignments,
        students=sorted(students.items()),
        run=run,
        root="",
    )
    _write(out_dir / "index.html", index)
    page = env.get_template("submission.html.j2")
    for result in results:
        html = page.render(**common, result=result, exercises=group_by_exercise(result), root="../")
        _write(out_dir / result.student / f"{result.assignment}.html", html)
    return out_dir / "index.html"
