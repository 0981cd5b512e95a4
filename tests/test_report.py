"""The HTML report: class overview, student and submission pages, self-contained, in two languages."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from bs4 import BeautifulSoup

from harness.records import CATEGORIES
from harness.report.render import (
    Histogram,
    content_security_policy,
    exercise_key,
    format_points,
    render_index,
    render_report,
    render_submission,
    sort_script,
)
from harness.report.ui_text import UI
from tests.review_support import (
    crafted_class,
    make_check,
    make_result,
    make_rubric,
    png_artifact,
)


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    render_report(crafted_class(), out, lang="pt-BR")
    return out


def pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def test_every_page_is_written(report: Path) -> None:
    names = {str(p.relative_to(report)) for p in pages(report)}
    assert names == {
        "index.html",
        "ana/index.html",
        "ana/ch01_fundamentals.html",
        "ana/ch02_feedforward.html",
        "bia/index.html",
        "bia/ch01_fundamentals.html",
        "caio/index.html",
        "caio/ch01_fundamentals.html",
        "duda/index.html",
        "duda/ch01_fundamentals.html",
        "eva/index.html",
        "eva/ch01_fundamentals.html",
    }


def test_overview_has_a_histogram_per_assignment(report: Path) -> None:
    page = soup((report / "index.html").read_text())
    histograms = page.select("svg.histogram")
    assert len(histograms) == 2
    for svg in histograms:
        assert svg["role"] == "img" and svg.find("title").get_text()
        assert len(svg.select("rect.bar-rect")) == 10
    # ch01 automatic fractions: ana 4/6 (check_a failed, check_e errored), bia 4/6, caio 2/6,
    # duda 6/6, eva 0/6

    counts = [int(td.get_text()) for td in page.select("table.histogram-data")[0].select("td.num")]
    assert counts == [1, 0, 0, 1, 0, 0, 2, 0, 0, 1]
    assert "60–70%: 2" in histograms[0].find("title").get_text()


def test_histogram_bins_put_full_marks_in_the_last_bin() -> None:
    counts = Histogram.of([0.0, 0.05, 0.1, 0.99, 1.0, 1.2, -0.1]).counts
    assert counts == [3, 1, 0, 0, 0, 0, 0, 0, 0, 3]


def test_most_failed_ranking_is_worst_first_and_leaves_out_unloadable_files(report: Path) -> None:
    page = soup((report / "index.html").read_text())
    section = page.find("section", attrs={"aria-labelledby": "a-ch01_fundamentals"})
    rows = section.select("table.most-failed tbody tr")
    ranking = [
        (row["data-check"], row.select("td.num")[1].get_text(" ", strip=True)) for row in rows
    ]
    assert ranking == [
        ("check_a", "75% (3/4)"),
        ("check_c", "50% (2/4)"),
        ("check_b", "25% (1/4)"),
    ]
    # a grader error is not the student's failure; a check everyone passes is listed apart
    assert "check_e" not in {r for r, _ in ranking}
    passing = section.find("details", string=None)
    assert passing is not None
    assert "check_d" in section.get_text() and "check_e" in section.get_text()
    # eva's file could not be loaded: she is left out of the ranking, and the page says so
    assert "1 submissão(ões) que não puderam ser carregadas" in section.get_text()
    # who fails check_a, linked to the check on each page
    links = [a["href"] for a in rows[0].select("a")]
    assert links == [
        "ana/ch01_fundamentals.html#check-check_a",
        "bia/ch01_fundamentals.html#check-check_a",
        "caio/ch01_fundamentals.html#check-check_a",
    ]


def test_students_table_is_sortable_and_links_to_pages(report: Path) -> None:
    page = soup((report / "index.html").read_text())
    table = page.find("table", id="student-table")
    assert "sortable" in table["class"]
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    assert headers == ["Aluno", "ch01_fundamentals", "ch02_feedforward", "Total"]
    ana = table.select("tbody tr")[0]
    assert ana.th.a["href"] == "ana/index.html"
    assert [a["href"] for a in ana.select("td a")] == [
        "ana/ch01_fundamentals.html",
        "ana/ch02_feedforward.html",
    ]
    # numeric sort keys, and a missing submission sorts below zero
    keys = [td.get("data-sort") for td in table.select("tbody tr")[1].select("td")]
    assert keys[1] == "-1"
    assert float(keys[0]) == 4.0


def test_links_and_fragments_resolve(report: Path) -> None:
    for path in pages(report):
        page = soup(path.read_text())
        for a in page.select("a[href]"):
            href = a["href"]
            assert not href.startswith(("http:", "https:", "//", "javascript:")), href
            target, _, fragment = href.partition("#")
            file = path if not target else (path.parent / unquote(urlsplit(target).path))
            assert file.resolve().is_file(), f"{path}: {href}"
            if fragment:
                ids = {tag["id"] for tag in soup(file.read_text()).select("[id]")}
                assert fragment in ids, f"{path}: {href}"


def test_pages_are_self_contained(report: Path) -> None:
    for path in pages(report):
        html = path.read_text()
        assert not re.search(r"""(src|href|action|srcset)\s*=\s*["']?\s*(https?:)?//""", html), path
        assert "<link" not in html and "@import" not in html and "url(" not in html
        page = soup(html)
        for img in page.select("img"):
            assert img["src"].startswith("data:image/png;base64,")
            assert img.get("alt")
        # one inline script, allowed by its hash in the page's Content-Security-Policy
        scripts = page.select("script")
        assert len(scripts) == 1 and not scripts[0].get("src")
        digest = base64.b64encode(hashlib.sha256(scripts[0].string.encode()).digest()).decode()
        csp = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
        assert f"'sha256-{digest}'" in csp and "default-src 'none'" in csp
        assert csp == content_security_policy()


def test_submission_page_groups_checks_and_shows_what_a_ta_needs(report: Path) -> None:
    page = soup((report / "caio" / "ch01_fundamentals.html").read_text())
    sections = page.select("main section[aria-labelledby^=ex-]")
    # exercises in numeric order: 1.10 after 1.2
    assert [s.h2["id"] for s in sections] == ["ex-1.1", "ex-1.2", "ex-1.10"]
    card = page.find("article", id="check-check_a")
    assert "failed" in card["class"]
    assert "falhou" in card.get_text() and "0 / 1" in card.get_text()
    assert "check_a falhou: obteve 3, esperado 4." in card.select_one(".message").get_text()
    details = card.find("details")
    assert details.has_attr("open") and "printed by the student" in details.get_text()
    figure = page.find("article", id="check-check_c").find("figure")
    assert figure.img["src"].startswith("data:image/png;base64,iVBORw0KGgo")
    assert figure.figcaption.get_text() == "Figura do aluno"
    table = page.find("article", id="check-check_c").find("table", class_="artifact")
    assert [th.get_text() for th in table.select("th")] == ["layer", "student", "reference"]
    assert table.select("tbody tr")[1].get_text("|", strip=True) == "fc2|0.5|–"
    # summary at the top: failed checks and figures link to their cards
    assert [a["href"] for a in page.select("ul.failed-list a")] == [
        "#check-check_a",
        "#check-check_b",
        "#check-check_c",
    ]
    assert [a["href"] for a in page.select("ul.figure-list a")] == ["#check-check_c"]
    # the rubric item, awaiting review, with its prompt escaped
    rubric = page.find("article", id="rubric-essay")
    assert "aguardando avaliação" in rubric.get_text()
    assert "Explique o <resultado>." in rubric.get_text()
    assert "<resultado>" not in str(rubric).replace("&lt;resultado&gt;", "")
    assert page.find("form") is None  # the static report is read-only


def test_hidden_checks_show_name_and_message_only() -> None:
    hidden = make_check(
        "check_secret_property",
        passed=False,
        en="The secret property failed on x=[0].",
        pt="A propriedade secreta falhou em x=[0].",
    )
    html = render_submission(make_result("ana", checks=[hidden]), lang="en")
    card = soup(html).find("article", id="check-check_secret_property")
    assert "hidden" in card.get_text()
    assert "The secret property failed on x=[0]." in card.get_text()
    assert "def " not in html and "ctx." not in html and "import " not in html


def test_not_loaded_submission_explains_why(report: Path) -> None:
    page = soup((report / "eva" / "ch01_fundamentals.html").read_text())
    alert = page.find(class_="alert")
    assert alert["role"] == "alert" and "PT: SyntaxError at line 3" in alert.get_text()


def test_both_languages_render() -> None:
    results = crafted_class()
    pt = soup(render_index(results))
    en = soup(render_index(results, lang="en"))
    assert pt.html["lang"] == "pt-BR" and en.html["lang"] == "en"
    assert pt.h1.get_text() == "Visão geral da turma" and en.h1.get_text() == "Class overview"
    page_en = render_submission(results[2], lang="en")
    assert "check_a failed: got 3, expected 4." in page_en and "Exercise 1.1" in page_en
    assert "Skip to content" in page_en and "Pular para o conteúdo" not in page_en
    assert "Pular para o conteúdo" in render_submission(results[2], lang="pt-BR")
    with pytest.raises(ValueError):
        render_index(results, lang="fr")


def test_every_ui_text_has_both_languages() -> None:
    for key, text in UI.items():
        assert text.en.strip() and text.pt.strip(), key
    for name in CATEGORIES:  # check categories are shown translated
        assert f"cat_{name}" in UI, name
    page = soup(render_submission(make_result("ana", checks=[make_check("c", category="leakage")])))
    assert page.select_one("#check-c .badge").get_text() == "vazamento"


def test_everything_a_student_or_ta_wrote_is_escaped() -> None:
    result = make_result(
        "ana",
        checks=[
            make_check(
                "check_a",
                passed=False,
                en="got <script>alert(1)</script>",
                pt="obteve <script>alert(1)</script>",
                output=None,
            )
        ],
        rubric=[
            make_rubric().model_copy(
                update={
                    "points": 1.0,
                    "comment": "<img src=x onerror=alert(2)>",
                    "reviewer": "<b>TA</b>",
                }
            )
        ],
    ).with_totals()
    html = render_submission(result, lang="en")
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "<img src=x" not in html and "<b>TA</b>" not in html


def test_accessibility_basics(report: Path) -> None:
    for path in pages(report):
        page = soup(path.read_text())
        first_link = page.body.find("a")
        assert "skip" in first_link["class"] and first_link["href"] == "#content"
        assert page.find("main", id="content")
        assert page.find("nav", attrs={"aria-label": "breadcrumb"})
        assert len(page.find_all("h1")) == 1
        for th in page.select("thead th"):
            assert th.get("scope") == "col"
    assert "focus" in (report / "index.html").read_text()  # visible focus styles


def test_only_rewrites_the_named_pages(tmp_path: Path) -> None:
    results = crafted_class()
    render_report(results, tmp_path)
    before = {p: p.stat().st_mtime_ns for p in pages(tmp_path)}
    render_report(results, tmp_path, only={("bia", "ch01_fundamentals")})
    changed = {
        p.relative_to(tmp_path).as_posix()
        for p in pages(tmp_path)
        if p.stat().st_mtime_ns != before[p]
    }
    assert changed == {"index.html", "bia/index.html", "bia/ch01_fundamentals.html"}


def test_a_corrupt_image_is_left_out() -> None:
    art = png_artifact().model_copy(update={"data_base64": "bm90IGEgcG5n"})  # "not a png"
    html = render_submission(make_result("ana", checks=[make_check("check_a", artifacts=[art])]))
    assert "<img" not in html


def test_helpers() -> None:
    assert (
        format_points(1.0) == "1" and format_points(1.25) == "1.25" and format_points(None) == "–"
    )
    assert format_points(-0.0) == "0" and format_points(2 / 3) == "0.6667"
    assert sorted(["1.10", "1.2", "1.a", "2"], key=exercise_key) == ["1.2", "1.10", "1.a", "2"]
    assert sort_script().startswith("(function ()")


def test_standard_figures_render_into_a_page() -> None:
    """harness.plots builds the figures graders attach; each one shows up as an inline PNG."""
    import io

    import numpy as np

    from harness import plots
    from harness.records import Artifact

    alphas = np.linspace(-1, 1, 9)
    betas = np.linspace(-1, 1, 7)
    surface = np.add.outer(alphas**2, 2 * betas**2) + 0.1
    figures = {
        "bars": plots.bars_vs_reference(
            {"fc1": 0.9, "fc2": 0.4}, {"fc1": 0.92, "fc2": 0.85}, ylabel="accuracy", baseline=0.5
        ),
        "curves": plots.curves(
            range(5), {"student": [1, 0.5, 0.25, 0.1, 0.1], "reference": [1, 0.6, 0.3, 0.1, 0.05]}
        ),
        "surface": plots.loss_surface(alphas, betas, surface, log_scale=True),
    }
    artifacts = []
    for name, figure in figures.items():
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=40)
        png = buffer.getvalue()
        assert png.startswith(b"\x89PNG\r\n\x1a\n"), name
        artifacts.append(
            Artifact(
                kind="image/png",
                title=png_artifact(name, name).title,
                data_base64=base64.b64encode(png).decode(),
            )
        )
    html = render_submission(
        make_result("ana", checks=[make_check("check_a", artifacts=artifacts)])
    )
    assert len(soup(html).select("figure img[src^='data:image/png;base64,']")) == 3
    with pytest.raises(ValueError):
        plots.loss_surface(alphas, betas, surface.T)
