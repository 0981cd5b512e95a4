"""Turning notebooks into importable source: IPython-only lines skipped, lines mapped to cells."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from harness.notebook import SourceError, notebook_to_source, prepare_source, python_to_source


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


def test_magics_shell_lines_and_help_are_skipped_but_code_is_kept() -> None:
    raw = notebook(
        ("markdown", "# Title\n%not code"),
        (
            "code",
            "%matplotlib inline\n!pip install foo\nfiles = !ls\nx = 1\nx?\nget_ipython().run_line_magic('time', '')",
        ),
        ("code", "%%time\ny = 2"),
        ("code", "def f(a):\n    !echo inside\n    return a + x\nprint(f(1) != 3)"),
    )
    source = notebook_to_source(raw)
    compiled = compile(source.text, "nb.py", "exec")
    namespace: dict = {}
    exec(compiled, namespace)  # plain Python now
    assert namespace["x"] == 1 and namespace["f"](1) == 2
    assert "y" not in namespace  # the %%time cell is skipped entirely
    assert "pip install" not in source.text and "get_ipython" not in source.text.replace(
        "skipped", ""
    )


def test_lines_map_back_to_cells() -> None:
    raw = notebook(
        ("markdown", "intro"),
        ("code", "a = 1\nb = 2"),
        ("code", "def g():\n    raise ValueError('x')"),
    )
    source = notebook_to_source(raw)
    line = source.text.splitlines().index("    raise ValueError('x')") + 1
    assert source.locator.cell_of_line[line] == (3, 2)
    assert source.locator.location(line).en == "cell 3, line 2"


def test_code_cells_are_listed_with_their_lines_for_the_worker() -> None:
    raw = notebook(
        ("markdown", "intro"),
        ("code", "a = 1\nb = 2"),
        ("code", ""),
        ("code", "%%time\nc = 3"),
        ("code", "def g():\n    return a"),
    )
    source = notebook_to_source(raw)
    lines = source.text.split("\n")
    assert source.cells is not None
    assert [number for number, _, _ in source.cells] == [2, 4, 5]  # the empty cell 3 is left out
    texts = {number: lines[first - 1 : last] for number, first, last in source.cells}
    assert texts[2] == ["a = 1", "b = 2"] and texts[5] == ["def g():", "    return a"]
    assert texts[4][0].startswith("pass  # cell magic")
    for number, first, last in source.cells:
        assert [source.locator.cell_of_line[line][0] for line in range(first, last + 1)] == [
            number
        ] * (last - first + 1)
    assert python_to_source(b"x = 1\n").cells is None


@pytest.mark.parametrize(
    "raw, fragment",
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}}).encode(), ""),
        (
            json.dumps(
                {"cells": "nope", "nbformat": 4, "nbformat_minor": 5, "metadata": {}}
            ).encode(),
            "",
        ),
        (b"[]", ""),
    ],
)
def test_unreadable_notebooks_raise_a_clear_error(raw: bytes, fragment: str) -> None:
    with pytest.raises(SourceError) as error:
        notebook_to_source(raw)
    assert "notebook could not be read" in error.value.text.en
    assert fragment in error.value.text.en
    assert error.value.text.pt


def test_python_files_must_be_utf8_and_may_have_a_bom(tmp_path: Path) -> None:
    assert python_to_source("\ufeffx = 1\n".encode()).text == "x = 1\n"
    with pytest.raises(SourceError):
        python_to_source(b"x = '\xe9'\n")
    path = tmp_path / "a.ipynb"
    path.write_bytes(notebook(("code", "z = 3")))
    assert "z = 3" in prepare_source(path).text
