"""Notebooks load cell by cell, as Jupyter runs them: a broken cell is reported, the rest graded."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from harness.judge.runner import Judge
from harness.judge.session import Budgets, WorkerSession
from harness.notebook import PreparedSource, notebook_to_source, prepare_source
from harness.remote.errors import ImportFailed, MissingName
from harness.remote.handles import RemoteModule
from harness.report.render import render_submission
from harness.sandbox.launcher import Launcher
from tests.review_support import loc, make_result
from tests.support import failing, grade, reference_text


def notebook(*cells: tuple[str, str]) -> bytes:
    nb = nbformat.v4.new_notebook()
    for i, (kind, text) in enumerate(cells):
        cell = (
            nbformat.v4.new_code_cell(text)
            if kind == "code"
            else nbformat.v4.new_markdown_cell(text)
        )
        cell["id"] = f"c{i}"
        nb.cells.append(cell)
    return nbformat.writes(nb).encode()


@pytest.fixture(scope="module")
def launcher() -> Iterator[Launcher]:
    shared = Launcher()
    yield shared
    shared.close()


def load(launcher: Launcher, raw: bytes, import_s: float = 20.0) -> WorkerSession:
    session = WorkerSession(notebook_to_source(raw), launcher, Budgets(import_s=import_s))
    session.start()
    return session


def test_cells_are_run_in_order_in_one_namespace(launcher: Launcher) -> None:
    raw = notebook(
        ("code", "from __future__ import annotations\nimport numpy as np\nscale = 2"),
        ("markdown", "# Part 1"),
        (
            "code",
            "%matplotlib inline\ndef f(x: Later) -> np.ndarray:\n    return np.asarray(x) * scale",
        ),
        ("code", ""),
        ("code", "%%time\nscale = 100"),
        ("code", "scale = 3"),
    )
    with load(launcher, raw) as session:
        assert session.cell_problems == []
        session.begin_check(1)
        # the __future__ import of cell 1 holds in cell 3 (the annotation is never evaluated),
        # the %%time cell is skipped and f sees the namespace as the last cell left it
        assert RemoteModule(session).f([1, 2]).tolist() == [3, 6]
        assert session.import_output.stderr == ""


def test_broken_first_middle_and_last_cells_are_reported_and_the_rest_still_runs(
    launcher: Launcher,
) -> None:
    raw = notebook(
        ("code", "import math\nraise RuntimeError('data.csv not found')\nnever = 1"),  # cell 1
        ("markdown", "text"),  # cell 2
        ("code", "def double(x):\n    return 2 * x"),  # cell 3
        ("code", "a = 1\ndef broken(:\n    pass"),  # cell 4: does not compile
        ("code", "def helper(x):\n    return x / 0"),  # cell 5
        ("code", "%time\ndef triple(x):\n    return 3 * x\nhelper(1)"),  # cell 6
        ("code", "def root(x):\n    return math.sqrt(x)"),  # cell 7
        ("code", "def last(x):\n    return x\nif True:\n  x = (1,"),  # cell 8: last, no compile
    )
    with load(launcher, raw) as session:
        texts = [t.en for t in session.cell_problems]
        assert len(texts) == 4, texts
        first, middle, stopped, last = texts
        assert first.startswith("Notebook cell 1 stopped at line 2 of the cell with RuntimeError")
        assert "data.csv not found" in first and "other cells still ran" in first
        assert middle.startswith("Notebook cell 4 was skipped: SyntaxError at line 2 of the cell")
        # the error came from a function of cell 5, called at line 4 of cell 6
        assert stopped.startswith("Notebook cell 6 stopped at line 4 of the cell")
        assert "ZeroDivisionError" in stopped and "cell 5, line 2" in stopped
        assert "`return x / 0`" in stopped
        assert last.startswith("Notebook cell 8 was skipped: SyntaxError")
        assert all(t.pt.startswith("A célula ") for t in session.cell_problems)
        session.begin_check(1)
        student = RemoteModule(session)
        assert student.double(4) == 8 and student.triple(2) == 6 and student.root(9.0) == 3.0
        assert not student.has("broken") and not student.has("a")  # cell 4 did not run at all
        assert not student.has("never") and not student.has("last")
        with pytest.raises(MissingName):
            student.last(1)
        # the reports also reach what was printed while loading, as Jupyter shows a cell's error
        stderr = session.import_output.stderr
        assert [int(n) for n in re.findall(r"\[grader\] cell (\d+)", stderr)] == [1, 4, 6, 8]
        # a later error in a function still points at the student's cell
        with pytest.raises(Exception) as raised:
            student.helper(1)
        assert "cell 5, line 2" in str(raised.value)


def test_many_failing_cells_are_summarised(launcher: Launcher) -> None:
    raw = notebook(*[("code", f"undefined_{i}()") for i in range(14)], ("code", "ok = 1"))
    with load(launcher, raw) as session:
        texts = [t.en for t in session.cell_problems]
        assert len(texts) == 11 and texts[0].startswith("Notebook cell 1 stopped")
        assert texts[-1].startswith("... and 4 more notebook cells failed")
        session.begin_check(1)
        assert RemoteModule(session).has("ok")


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("import sys\nsys.exit(2)", "SystemExit 2"),
        ("while True:\n    pass", "more than 2 s"),
    ],
)
def test_exit_or_timeout_in_a_cell_still_fails_the_load(
    launcher: Launcher, cell: str, expected: str
) -> None:
    raw = notebook(("code", "def f():\n    return 1"), ("code", cell), ("code", "g = 2"))
    session = WorkerSession(notebook_to_source(raw), launcher, Budgets(import_s=2.0))
    with session, pytest.raises(ImportFailed) as failed:
        session.start()
    assert expected in failed.value.explain().en


def test_a_python_file_with_a_syntax_error_still_fails_to_load(
    launcher: Launcher, tmp_path: Path
) -> None:
    path = tmp_path / "ch01_fundamentals.py"
    path.write_text("def f():\n    return 1\n\ndef g(:\n    pass\n")
    source = prepare_source(path)
    assert source.cells is None
    with WorkerSession(source, launcher, Budgets()) as session:
        with pytest.raises(ImportFailed) as failed:
            session.start()
        assert "SyntaxError at line 4" in failed.value.explain().en
        assert session.cell_problems == []
    raising = PreparedSource("def f():\n    return 1\n\nraise ValueError('top level')\n")
    with WorkerSession(raising, launcher, Budgets()) as session:
        with pytest.raises(ImportFailed) as failed:
            session.start()
        assert "ValueError while being loaded" in failed.value.explain().en


def reference_notebook(assignment: str) -> list[tuple[str, str]]:
    """The reference solution (jupytext percent format) as notebook cells."""
    cells: list[tuple[str, str]] = []
    for chunk in re.split(r"^# %%", reference_text(assignment), flags=re.MULTILINE)[1:]:
        header, _, body = chunk.partition("\n")
        if "[markdown]" in header:
            cells.append(("markdown", re.sub(r"^# ?", "", body, flags=re.MULTILINE).strip()))
        else:
            cells.append(("code", body.strip("\n")))
    return cells


def test_a_notebook_with_broken_cells_is_graded_on_the_others(judge: Judge) -> None:
    cells = reference_notebook("ch01_fundamentals")
    code = [i for i, (kind, _) in enumerate(cells) if kind == "code"]
    assert "import numpy as np" in cells[code[0]][1]
    assert "def standardize_without_leakage" in cells[code[1]][1]
    assert "def select_coreset" in cells[code[-1]][1]
    first, middle, last = code[0], code[1], code[-1]
    cells[first] = ("code", cells[first][1] + "\nraise FileNotFoundError('data/train.csv')")
    cells[middle] = (
        "code",
        cells[middle][1].replace("def standardize_without_leakage(", "def (", 1),
    )
    cells[last] = ("code", cells[last][1] + "\n\nselect_coreset(np.zeros((2, 2)), 5)")
    result = judge.grade_bytes(
        student="nb",
        assignment_id="ch01_fundamentals",
        relative="nb/ch01_fundamentals.ipynb",
        raw=notebook(*cells),
        suffix=".ipynb",
    )
    assert result.error is None
    failed = failing(result)
    by_exercise = {c.name: c.exercise for c in result.checks}
    assert failed and all(by_exercise[name] == "1.1" for name in failed), failed
    assert any("does not define `standardize_without_leakage`" in m for m in failed.values())
    assert all(c.passed for c in result.checks if c.exercise != "1.1")
    assert result.score > 0
    stderr = result.import_output.stderr if result.import_output else ""
    reported = [int(n) for n in re.findall(r"\[grader\] cell (\d+)", stderr)]
    assert reported == [first + 1, middle + 1, last + 1], stderr
    assert "FileNotFoundError" in stderr and "SyntaxError" in stderr and "ValueError" in stderr


def test_the_same_file_as_python_with_a_syntax_error_scores_zero(judge: Judge) -> None:
    text = reference_text("ch01_fundamentals").replace(
        "def standardize_without_leakage(", "def (", 1
    )
    result = grade(judge, "ch01_fundamentals", text)
    assert result.score == 0 and result.error and "SyntaxError" in result.error
    assert result.cell_problems == []


def test_cell_problems_show_on_the_submission_page() -> None:
    result = make_result("ana").model_copy(
        update={
            "cell_problems": [
                loc(
                    "Notebook cell 4 was skipped: SyntaxError.",
                    "A célula 4 do notebook foi ignorada.",
                )
            ]
        }
    )
    assert "Notebook cell 4 was skipped: SyntaxError." in render_submission(result, lang="en")
    assert "A célula 4 do notebook foi ignorada." in render_submission(result, lang="pt-BR")
