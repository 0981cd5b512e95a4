"""Written answers and the submitted file: read as data, stored, rendered inert, linked.

Answers are read from the notebook's JSON or the ``.py`` text (never by running the file), kept in
the gradebook next to the rubric entries, and shown on the TA's page next to each item with the
submission itself (nbconvert / Pygments, sanitised), whose lines and cells the messages link to.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from harness.answers import (
    MAX_OUTPUT_TEXT,
    PLACEHOLDER,
    Item,
    read_answers,
    slot_heading,
    slots_in,
    stored_file,
    submission_fields,
)
from harness.gradebook import Gradebook
from harness.judge.grader import load_grader
from harness.records import RESULTS_ADAPTER, results_json, results_schema
from harness.report.render import render_index, render_report, render_submission
from harness.report.submitted import link_locations, render_answer, render_file
from tests.review_support import (
    BIA_PY,
    build_out,
    hostile_notebook,
    make_check,
    make_result,
    make_rubric,
    notebook_bytes,
    written_class,
)
from tests.support import COURSE, REPO, assignments

ITEMS = [Item("leakage_discussion", "1.1"), Item("essay", "1.2")]


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def py(text: str) -> dict:
    return read_answers(text.encode(), ".py", ITEMS)


def nb(cells: list[dict]) -> dict:
    return read_answers(notebook_bytes(cells), ".ipynb", ITEMS)


def md(source: str, answer: str | None = None) -> dict:
    cell = {"cell_type": "markdown", "source": source}
    if answer is not None:
        cell["metadata"] = {"pcs5022": {"answer": answer}}
    return cell


def code(source: str = "x = 1") -> dict:
    return {"cell_type": "code", "source": source}


SLOT = "# %% [markdown]\n# " + slot_heading("leakage_discussion", "1.1") + "\n#\n"
EMPTY_SLOT = SLOT + "".join(f"# {line}\n#\n" for line in PLACEHOLDER)


# -- reading answers from a .py file ------------------------------------------------------------------


def test_py_answer_is_the_comment_block_below_the_heading() -> None:
    answers = py(
        "import numpy as np\n\n"
        + EMPTY_SLOT
        + "# Leakage uses **test** statistics.\n#\n# - second point\n\n"
        + "# %%\ndef f():\n    return 1\n"
    )
    leak = answers["leakage_discussion"]
    assert leak.state == "answered" and leak.line == 4
    assert leak.text == "Leakage uses **test** statistics.\n\n- second point"
    assert answers["essay"].state == "missing"


def test_py_empty_slot_and_heading_only_are_blank() -> None:
    assert py(EMPTY_SLOT)["leakage_discussion"].state == "blank"
    assert py(SLOT + "\n# %%\nx = 1\n")["leakage_discussion"].state == "blank"
    assert py(SLOT + "# <!-- nothing yet -->\n#\n")["leakage_discussion"].state == "blank"
    # code right below the heading is not an answer
    assert py(SLOT + "def f():\n    '''doc'''\n")["leakage_discussion"].state == "blank"


def test_py_reworded_heading_triple_quoted_string_and_next_slot() -> None:
    answers = py(
        "# ## Minha resposta 1.1\n# Curto.\n"  # found by "resposta" and the exercise number
        "# ### Answer: essay\n"
        '"""\nA string, not comments.\n"""\n'
    )
    assert answers["leakage_discussion"].text == "Curto."
    assert answers["essay"].text == "A string, not comments."
    # headings without the word answer/resposta are not slots
    assert py("# ### essay (1.2)\n# text\n")["essay"].state == "missing"


def test_py_first_answered_slot_wins_and_text_is_capped() -> None:
    answers = py(EMPTY_SLOT + "\n# %%\nx = 1\n" + SLOT + "# " + "a" * 30_000 + "\n")
    leak = answers["leakage_discussion"]
    assert leak.state == "answered" and leak.truncated and len(leak.text) == 20_000


def test_py_file_that_is_not_utf8_still_reads() -> None:
    raw = (SLOT + "# café\n").encode("latin-1")
    answer = read_answers(raw, ".py", ITEMS)["leakage_discussion"]
    assert answer.state == "answered" and answer.text.startswith("caf")


# -- reading answers from a notebook ---------------------------------------------------------------------


def test_notebook_answer_by_metadata_with_continuation_cells() -> None:
    answers = nb(
        [
            md("# Title"),
            code(),
            md(
                "### Resposta / Answer: leakage_discussion (1.1)\n\n" + PLACEHOLDER[0],
                "leakage_discussion",
            ),
            md("My answer, in a new cell.\n\n#### Detail\nmore"),
            md("## 1.2 Next section"),
            md("not part of the answer"),
        ]
    )
    leak = answers["leakage_discussion"]
    assert leak.state == "answered" and leak.cell == 3
    assert leak.text == "My answer, in a new cell.\n\n#### Detail\nmore"
    assert answers["essay"].state == "missing"


def test_notebook_blank_heading_only_and_reworded_heading() -> None:
    blank = nb(
        [
            md(
                "### Resposta / Answer: leakage_discussion (1.1)\n\n" + PLACEHOLDER[1],
                "leakage_discussion",
            ),
            code(),
        ]
    )
    assert blank["leakage_discussion"].state == "blank"
    heading_only = nb([md("### Resposta / Answer: essay (1.2)"), code()])
    assert heading_only["essay"].state == "blank" and heading_only["essay"].cell == 1
    # the metadata finds the slot even when the student changed the heading; the heading is dropped
    reworded = nb([md("### Minha parte escrita\nTexto.", "leakage_discussion")])
    assert reworded["leakage_discussion"].text == "Texto."
    # without metadata (a copied cell), the heading naming the item is enough
    copied = nb([md("## Answer — `leakage\\_discussion`\n\nCopied."), md("### Answer: essay\nE.")])
    assert copied["leakage_discussion"].text == "Copied." and copied["essay"].text == "E."


def test_notebook_that_cannot_be_read_has_missing_answers() -> None:
    for raw in (b"{not json", b"\xff\xfe", json.dumps({"cells": "nope"}).encode(), b""):
        answers = read_answers(raw, ".ipynb", ITEMS)
        assert {a.state for a in answers.values()} == {"missing"}


def test_hostile_markdown_is_kept_as_text_and_rendered_inert() -> None:
    text = nb(
        [
            md(
                "### Answer: essay (1.2)\n\n**ok** <script>alert(1)</script> "
                "<img src=x onerror=alert(2)> [x](javascript:alert(3)) "
                '<a href="JaVaScRiPt:alert(4)">y</a> <iframe src="http://evil.example"></iframe>'
                '<div style="position:fixed" class="alert" id="rubric">spoof</div>'
            )
        ]
    )["essay"].text
    assert "<script>" in text  # stored as written...
    html = str(render_answer(text))
    page = soup(html)
    assert page.find("strong").get_text() == "ok"
    assert not page.find_all(["script", "iframe", "style", "form", "input"])
    for tag in page.find_all(True):
        assert not any(a.startswith("on") or a in ("style", "id") for a in tag.attrs), tag
        assert tag.get("class") in (None, []), tag  # our classes (alert...) cannot be borrowed
    assert not page.select("a[href]") and "javascript" not in html.lower().replace("title=", "")
    assert all(not img.get("src") for img in page.find_all("img"))


# -- the released stubs hold one slot per rubric item ---------------------------------------------------


@pytest.mark.parametrize("assignment", assignments())
def test_every_rubric_item_has_a_slot_in_stub_notebook_and_readme(assignment: str) -> None:
    grader = load_grader(COURSE.assignment(assignment))
    items = [Item(r.name, r.exercise) for r in grader.rubric]
    folder = REPO / "assignments" / assignment
    stub = (folder / f"{assignment}.py").read_text()
    assert sorted(slots_in(stub)) == sorted((i.name, i.exercise) for i in items)
    notebook = nbformat.read(folder / f"{assignment}.ipynb", as_version=4)
    tagged = [c.metadata["pcs5022"]["answer"] for c in notebook.cells if "pcs5022" in c.metadata]
    assert sorted(tagged) == sorted(i.name for i in items)
    readme = (folder / "README.md").read_text()
    for item in items:
        assert f"`{slot_heading(item.name, item.exercise)}`" in readme
    if items:
        assert "## Respostas escritas / Written answers" in readme
    # the stubs' slots are empty, the reference's hold model answers the stubs do not
    for path, suffix in (
        (folder / f"{assignment}.py", ".py"),
        (folder / f"{assignment}.ipynb", ".ipynb"),
    ):
        answers = read_answers(path.read_bytes(), suffix, items)
        assert {a.state for a in answers.values()} <= {"blank"}, (path, answers)
    reference = (REPO / "reference_solutions" / f"{assignment}.py").read_bytes()
    model = read_answers(reference, ".py", items)
    assert all(a.state == "answered" for a in model.values()), model
    for answer in model.values():
        assert answer.text[:40] not in stub


#: written parts per assignment, as the statements ask for them: a grader that loses one fails here
RUBRIC_ITEMS = {
    "ch01_fundamentals": 1,
    "ch02_feedforward": 1,
    "ch03_hyperparameters": 3,
    "ch04_deep_learning": 2,
    "ch05_regularization": 4,
    "ch06_convolutional": 5,
    "ch07_residual": 5,
    "ch08_augmentation": 4,
    "ch09_transformers_mlp": 2,
    "ch10_transfer": 4,
    "ch11_peft": 3,
    "ch12_merging": 3,
    "ch13_phylogeny": 2,
    "ch14_green_ai": 2,
    "research_critical_periods": 3,
    "extra_ia353": 5,
}


def test_every_assignment_keeps_its_written_parts() -> None:
    counts = {a: len(load_grader(COURSE.assignment(a)).rubric) for a in assignments()}
    assert {a: n for a, n in counts.items() if a in RUBRIC_ITEMS} == RUBRIC_ITEMS
    assert all(n >= 1 for n in counts.values()), counts


# -- the stored file ------------------------------------------------------------------------------------


def test_stored_notebook_is_trimmed_and_keeps_cell_numbers() -> None:
    stored = stored_file(hostile_notebook(), ".ipynb")
    assert stored.format == "notebook" and stored.cells == 4 and stored.trimmed >= 2
    data = json.loads(stored.text)
    outputs = data["cells"][1]["outputs"]
    assert len(outputs[0]["text"]) < MAX_OUTPUT_TEXT + 100  # a 1 MB print, cut
    assert "application/javascript" not in outputs[1]["data"]
    assert outputs[2]["data"]["image/png"]
    assert data["cells"][2]["metadata"] == {"pcs5022": {"answer": "discussion"}}
    nbformat.validate(nbformat.reads(stored.text, as_version=4))


def test_stored_python_and_unreadable_notebook() -> None:
    stored = stored_file(BIA_PY.encode(), ".py")
    assert stored.format == "python" and stored.text == BIA_PY and stored.lines == 10
    broken = stored_file(b'{"cells": [\n  oops', ".ipynb")
    assert broken.format == "text" and broken.lines == 2
    huge = stored_file(b"x = 1\n" * 200_000, ".py")
    assert huge.truncated and len(huge.text) == 400_000


def test_submission_fields_add_answers_and_file_and_never_raise() -> None:
    rubric = [make_rubric("essay", "1.2")]
    fields = submission_fields(BIA_PY.encode(), ".py", rubric)
    assert fields["rubric"][0].answer.state == "answered"
    assert fields["submitted"].format == "python"
    assert rubric[0].answer is None  # the judge's entries are not modified in place
    for raw in (b"\x00\xff" * 100, b"", b"{" * 10_000):
        for suffix in (".py", ".ipynb"):
            fields = submission_fields(raw, suffix, rubric)
            assert fields["rubric"][0].answer.state == "missing"
            assert fields["submitted"] is not None


# -- the gradebook and results.json ------------------------------------------------------------------


def test_gradebook_round_trip_keeps_answers_and_file(tmp_path: Path) -> None:
    results = written_class()
    with Gradebook(tmp_path / "gb.sqlite") as gradebook:
        for r in results:
            gradebook.save(r)
        gradebook.set_rubric("bia", "ch01_fundamentals", "essay", 1.5, "ok")
        bia = gradebook.result("bia", "ch01_fundamentals")
        light = {(r.student, r.assignment): r for r in gradebook.results(files=False)}
    original = next(
        r for r in results if r.student == "bia" and r.assignment == "ch01_fundamentals"
    )
    assert bia is not None and bia.submitted == original.submitted
    assert bia.rubric[0].answer == original.rubric[0].answer and bia.rubric[0].points == 1.5
    assert light[("bia", "ch01_fundamentals")].submitted is None
    assert light[("bia", "ch01_fundamentals")].rubric[0].answer.state == "answered"
    # results.json has the answers but not the files; its schema does not mention them
    text = results_json(results)
    assert "Padronizar **antes**" in text and '"submitted"' not in text and "def double" not in text
    assert RESULTS_ADAPTER.validate_json(text)[0].submitted is None
    assert "submitted" not in json.dumps(results_schema())


def test_report_rerenders_from_the_gradebook_alone(tmp_path: Path) -> None:
    out = build_out(tmp_path / "out", written_class())
    page = soup((out / "report" / "bia" / "ch01_fundamentals.html").read_text())
    assert page.select_one("section.submitted .source [id='src-L-2']")
    assert "Padronizar" in page.select_one("#rubric-essay .answer-body").get_text()


# -- the submission page --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("written")
    render_report(written_class(), out, lang="pt-BR")
    return out


def test_answer_is_shown_next_to_its_item(report: Path) -> None:
    page = soup((report / "bia" / "ch01_fundamentals.html").read_text())
    item = page.find("article", id="rubric-essay")
    prompt = item.find("p", class_="message")
    answer = item.find("div", class_="answer")
    assert prompt.find_next_sibling("div", class_="answer") is answer
    assert "Resposta do aluno" in answer.h4.get_text()
    assert answer.select_one(".answer-body strong").get_text() == "antes"
    assert answer.select_one(".answer-body li")  # markdown list rendered
    assert not answer.find("script") and not answer.select("a[href^=javascript]")
    assert answer.h4.a["href"] == "#src-L-6"  # where the slot is in the file
    assert page.find(id="src-L-6")


def test_blank_and_missing_answers_are_flagged_on_the_page(report: Path) -> None:
    caio = soup((report / "caio" / "ch01_fundamentals.html").read_text())
    flag = caio.select_one("#rubric-essay .answer-flag.blank")
    assert flag is not None and "Em branco" in flag.get_text()
    assert "1 em branco" in caio.select_one("table.exercises").get_text()
    duda = soup((report / "duda" / "ch01_fundamentals.html").read_text())
    missing = duda.select_one("#rubric-essay .answer-flag.missing").get_text()
    assert "### Resposta / Answer: essay (1.2)" in missing
    ana = soup((report / "ana" / "ch01_fundamentals.html").read_text())
    assert "não foi lida" in ana.select_one("#rubric-essay .answer").get_text()
    assert "O arquivo não está no gradebook" in ana.select_one("section.submitted").get_text()


def test_blank_answers_are_counted_in_the_class_overview(report: Path) -> None:
    page = soup((report / "index.html").read_text())
    item = page.select_one("section[aria-labelledby=a-ch01_fundamentals] ul.blank-answers li")
    text = item.get_text(" ", strip=True)
    assert text.startswith("3 aluno(s) deixaram 1.2 (essay) em branco")
    assert [a["href"] for a in item.select("a")] == [
        "caio/ch01_fundamentals.html#rubric-essay",
        "duda/ch01_fundamentals.html#rubric-essay",
        "eva/ch01_fundamentals.html#rubric-essay",
    ]
    english = soup(render_index(written_class(), lang="en"))
    assert "3 student(s) left 1.2 (essay) blank" in english.get_text()
    # an item everyone answered is not listed
    assert not page.select("section[aria-labelledby=a-ch02_feedforward] ul.blank-answers")


def test_python_file_is_highlighted_with_line_anchors_and_messages_link_to_lines(
    report: Path,
) -> None:
    page = soup((report / "bia" / "ch01_fundamentals.html").read_text())
    source = page.select_one("section.submitted .source.python")
    assert [s["id"] for s in source.select("[id^=src-L-]")] == [f"src-L-{n}" for n in range(1, 11)]
    assert source.select_one(".k").get_text() == "def"  # Pygments' classes, styled inline
    assert "<script>" not in str(source) and "&lt;script&gt;" in str(source)
    link = page.select_one("#check-check_c .message a.to-source")
    assert link["href"] == "#src-L-2" and link.get_text() == "linha 2"
    css = page.find("style").get_text()
    assert ".submitted .highlight .k" in css


def test_links_from_messages_to_lines_and_cells() -> None:
    python = stored_file(b"a = 1\nb = 2\nc = 3\n", ".py")
    html = str(link_locations("linha 2 and line 3, but not line 9 nor cell 1 <b>", python))
    assert re.findall(r'href="([^"]+)"', html) == ["#src-L-2", "#src-L-3"]
    assert "&lt;b&gt;" in html
    notebook = stored_file(notebook_bytes([md("a"), code(), code()]), ".ipynb")
    html = str(link_locations("Cell 3, line 2 failed; célula 2; cell 4; line 1", notebook))
    assert re.findall(r'href="([^"]+)"', html) == ["#src-cell-3", "#src-cell-2"]
    assert ">Cell 3, line 2</a>" in html
    assert str(link_locations("line 2", None)) == "line 2"
    # on the page: an error naming a cell of a notebook links to that cell's anchor
    result = make_result(
        "ana",
        checks=[
            make_check(
                "check_a",
                passed=False,
                en="Failed in cell 2, line 1.",
                pt="Falhou na célula 2, linha 1.",
            )
        ],
    ).model_copy(update={"submitted": notebook, "file": "ana/ch01_fundamentals.ipynb"})
    page = soup(render_submission(result))
    assert page.select_one("#check-check_a a.to-source")["href"] == "#src-cell-2"
    assert page.find(id="src-cell-2") is not None


def test_hostile_notebook_renders_inert_and_truncated(report: Path) -> None:
    html = (report / "ana" / "ch02_feedforward.html").read_text()
    page = soup(html)
    section = page.select_one("section.submitted")
    assert len(section.select("[id^=src-cell-]")) == 4
    # the page's own script is the only one; nothing the student wrote can run or load
    assert len(page.find_all("script")) == 1 and html.count("<script") == 1
    assert not section.find_all(["script", "style", "iframe", "object", "embed", "form", "input"])
    for tag in section.find_all(True):
        for name, value in tag.attrs.items():
            assert not name.startswith("on") and name != "style", tag
            if name in ("href", "src"):
                assert value.startswith(("#src-", "data:image/")), tag
    assert "javascript:" not in " ".join(a.get("href", "") for a in page.find_all("a"))
    assert not section.select("[class~=alert], [class~=skip], #rubric")  # no spoofed UI
    assert page.find_all(id="rubric") == [page.select_one("h2#rubric")]
    # the 1 MB print is cut, the figure is an inline PNG, the page says what was trimmed
    assert len(html) < 200_000
    assert section.select_one(".output_png img")["src"].startswith("data:image/png;base64,")
    assert "foram encurtadas ou omitidas" in section.get_text()
    # the answer in the notebook is shown next to its item, with a link to its cell
    answer = page.select_one("#rubric-discussion .answer")
    assert answer.select_one(".answer-body strong").get_text() == "capacidade"
    assert answer.h4.a["href"] == "#src-cell-3"
    assert "alert(6)" not in answer.get_text()


def test_notebook_that_nbconvert_cannot_render_falls_back_to_text() -> None:
    stored = stored_file(notebook_bytes([md("ok")]), ".ipynb").model_copy(
        update={"text": '{"cells": 3}', "cells": 1}
    )
    html, problem = render_file(stored)
    assert problem and "src-L-1" in str(html)


def test_served_page_shows_answer_file_and_form(tmp_path: Path) -> None:
    from harness.serve import ReviewApp

    out = build_out(tmp_path / "out", written_class())
    app = ReviewApp(out)
    page = soup(app.submission_page(app.result("bia", "ch01_fundamentals")))
    item = page.find("article", id="rubric-essay")
    assert item.select_one(".answer-body") and item.find("form")
    assert item.select_one(".answer").find_next_sibling("form") is not None
    assert page.select_one("section.submitted .source [id=src-L-1]")
    # the overview is rendered without reading the files
    assert "3 aluno(s) deixaram 1.2 (essay) em branco" in app.index_page()


def test_every_link_resolves_and_every_image_is_inline(report: Path) -> None:
    for path in sorted(report.rglob("*.html")):
        html = path.read_text()
        page = soup(html)
        ids = [tag["id"] for tag in page.select("[id]")]
        assert len(ids) == len(set(ids)), path  # nothing the student wrote duplicates an anchor
        for a in page.select("a[href^='#']"):
            assert a["href"][1:] in ids, (path, a["href"])
        for img in page.select("img"):
            assert img["src"].startswith("data:image/") and img.get("alt") is not None, path
        assert "<link" not in html and "@import" not in html and "url(" not in html


@pytest.mark.slow
def test_the_judge_stores_answers_and_the_file_with_the_grade(judge) -> None:
    """End to end: a real grading reads the answer slot of the submitted stub, as data."""
    from harness.judge.runner import grade_source_text
    from tests.support import REPO

    stub = (REPO / "assignments" / "ch01_fundamentals" / "ch01_fundamentals.py").read_text()
    heading = "# ### Resposta / Answer: leakage_discussion (1.1)"
    assert heading in stub
    written = stub.replace(heading, heading + "\n# Standardising first **leaks** the test mean.", 1)
    result = grade_source_text(judge, "ch01_fundamentals", written)
    answers = {item.name: item.answer for item in result.rubric}
    assert answers["leakage_discussion"].state == "answered"
    assert "leaks" in answers["leakage_discussion"].text
    blank = {
        i.name: i.answer.state for i in grade_source_text(judge, "ch01_fundamentals", stub).rubric
    }
    assert set(blank.values()) == {"blank"}
    assert result.submitted is not None
