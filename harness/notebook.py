"""Turning a submitted file into the Python source a worker imports.

Notebooks are read as data (nbformat), never executed by the judge. Code cells are joined in order;
IPython-only lines (``%magic``, ``!shell``, ``x = !cmd``, ``obj?``, ``get_ipython()``) and cell magics
(``%%...``) are replaced by ``pass`` so that the rest still runs as plain Python, and every line
keeps a pointer back to its cell for error messages. The worker runs the code cells one by one, as
Jupyter does (``PreparedSource.cells``): a cell that does not compile or raises is reported and the
cells after it still run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from harness import messages
from harness.i18n import Text
from harness.remote.errors import SourceLocator

IPYTHON_LINE = re.compile(
    r"""^\s*(?:[%!]|[\w.\[\], ]+\s*=\s*[%!]|[\w.]+\?{1,2}\s*$|.*\bget_ipython\(\))"""
)


class SourceError(Exception):
    """The file cannot be turned into Python source; ``text`` says why, for the student."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


@dataclass
class PreparedSource:
    """Python source to import in the worker, and how to map its lines back to the student's."""

    text: str
    locator: SourceLocator = field(default_factory=SourceLocator)
    filename: str = "submission.py"
    #: a notebook's code cells as (cell number, first line, last line) of ``text``: the worker runs
    #: them one by one, as Jupyter does, and a cell that fails is reported and the next cells run;
    #: None (a ``.py`` file): the whole text is imported at once and any error fails the import
    cells: list[tuple[int, int, int]] | None = None


def _clean_cell(lines: list[str]) -> list[str]:
    cleaned = []
    for line in lines:
        if IPYTHON_LINE.match(line):
            indent = line[: len(line) - len(line.lstrip())]
            cleaned.append(f"{indent}pass  # IPython-only line skipped by the grader")
        else:
            cleaned.append(line)
    return cleaned


def notebook_to_source(raw: bytes) -> PreparedSource:
    import nbformat

    try:
        notebook = nbformat.reads(raw.decode("utf-8-sig"), as_version=4)
    except UnicodeDecodeError as exc:
        raise SourceError(
            messages.NOTEBOOK_UNREADABLE.format(detail=f"not UTF-8 ({exc.reason})")
        ) from None
    except (json.JSONDecodeError, nbformat.reader.NotJSONError) as exc:
        raise SourceError(
            messages.NOTEBOOK_UNREADABLE.format(detail=f"not valid JSON ({_first_line(exc)})")
        ) from None
    except Exception as exc:  # nbformat raises many kinds of errors for malformed notebooks
        raise SourceError(messages.NOTEBOOK_UNREADABLE.format(detail=_first_line(exc))) from None
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        raise SourceError(messages.NOTEBOOK_UNREADABLE.format(detail="it has no list of cells"))
    out_lines: list[str] = []
    locator = SourceLocator()
    code_cells: list[tuple[int, int, int]] = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(str(part) for part in source)
        if not isinstance(source, str):
            raise SourceError(
                messages.NOTEBOOK_UNREADABLE.format(detail=f"cell {number} has no text")
            )
        lines = source.splitlines()
        if lines and lines[0].lstrip().startswith("%%"):
            lines = [f"pass  # cell magic {lines[0].strip()[:40]!r} skipped by the grader"]
        out_lines.append(f"# --- cell {number} ---")
        first = len(out_lines) + 1
        for cell_line, line in enumerate(_clean_cell(lines), start=1):
            out_lines.append(line)
            locator.cell_of_line[len(out_lines)] = (number, cell_line)
        if len(out_lines) >= first:
            code_cells.append((number, first, len(out_lines)))
        out_lines.append("")
    return PreparedSource(text="\n".join(out_lines) + "\n", locator=locator, cells=code_cells)


def python_to_source(raw: bytes) -> PreparedSource:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(messages.FILE_NOT_UTF8.format(detail=exc.reason)) from None
    return PreparedSource(text=text)


def prepare_source(path: Path, raw: bytes | None = None) -> PreparedSource:
    """Source for a worker from a ``.py`` or ``.ipynb`` file (read only, never modified)."""
    data = path.read_bytes() if raw is None else raw
    if path.suffix == ".ipynb":
        return notebook_to_source(data)
    return python_to_source(data)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]
