"""The pages of `grade similarity`: the list of similar pairs and one side-by-side page per pair
with the passages both files contain highlighted (``<mark>``)."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from harness.report.render import _common, environment
from harness.similarity import Match, SimilarityReport, SimilarPair, pair_page


def highlight(text: str, matches: Match) -> Markup:
    """``text`` escaped, with each matched range of lines wrapped in ``<mark>``."""
    lines = text.splitlines()
    marked = [False] * len(lines)
    for first, last in matches.lines:
        for number in range(max(first, 1), min(last, len(lines)) + 1):
            marked[number - 1] = True
    parts: list[str] = []
    for line, hit in zip(lines, marked, strict=True):
        parts.append(f"<mark>{escape(line)}</mark>" if hit else str(escape(line)))
    return Markup("\n".join(parts))


def render_similarity_index(report: SimilarityReport, *, lang: str = "pt-BR") -> str:
    return (
        environment()
        .get_template("similarity.html.j2")
        .render(
            **_common(lang, "PCS 5022", served=False), report=report, page=pair_page, root="../"
        )
    )


def render_pair(
    pair: SimilarPair, first: str, second: str, number: int, *, lang: str = "pt-BR"
) -> str:
    values: dict[str, Any] = {
        "pair": pair,
        "first": highlight(first, pair.first_matches),
        "second": highlight(second, pair.second_matches),
        "number": number,
        "root": "../",
    }
    return (
        environment()
        .get_template("similarity_pair.html.j2")
        .render(**_common(lang, "PCS 5022", served=False), **values)
    )
