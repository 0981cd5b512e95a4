"""Building what students get from what the instructor writes.

From ``reference_solutions/ID.py``:
* ``assignments/ID/ID.py``: the stub; every ``# BEGIN SOLUTION`` ... ``# END SOLUTION`` block
  becomes ``raise NotImplementedError(...)`` and ``# BEGIN REMOVE`` ... ``# END REMOVE`` blocks vanish;
* ``assignments/ID/ID.ipynb``: the same stub as a notebook, split at ``# %%`` cell markers
  (``# %% [markdown]`` cells become markdown);
* ``assignments/ID/README.md``: the statement (the markdown cells) and the contract signatures.

From ``graders/ID.py``: ``assignments/ID/public_checks.py``, the grader without its
``# BEGIN HIDDEN`` ... ``# END HIDDEN`` regions, so students run the public checks and never see
hidden ones.

``grade release --student DIR`` (:mod:`harness.bundle`) writes the same files, the engine and an
installable ``pyproject.toml`` into a folder for students, without ``graders/`` or
``reference_solutions/``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from harness.answers import METADATA_KEY as ANSWER_METADATA_KEY
from harness.answers import readme_section as answers_readme_section
from harness.answers import slot_name
from harness.course import Assignment, Course

STUB_BODY = 'raise NotImplementedError("Implemente esta função / implement this function")'
MARKER = re.compile(r"^(?P<indent>\s*)# (?P<kind>BEGIN|END) (?P<what>SOLUTION|REMOVE|HIDDEN)\s*$")


class MarkerError(ValueError):
    """Unbalanced or misplaced solution markers, with the line number."""


def _walk_regions(
    text: str, kinds: Collection[str], *, source: str
) -> Iterator[tuple[int, str, str | None, re.Match[str] | None]]:
    """Every line with its number and the kind of marked region it lies in (None: outside).

    Marker lines of ``kinds`` come with their match (and the region they open or close); markers
    of other kinds are plain lines. Unbalanced or nested markers raise :class:`MarkerError`.
    """
    open_kind: str | None = None
    open_line = 0
    for number, line in enumerate(text.splitlines(), start=1):
        match = MARKER.match(line)
        if match and match["what"] in kinds:
            kind, what = match["kind"], match["what"]
            if kind == "BEGIN":
                if open_kind is not None:
                    raise MarkerError(
                        f"{source}:{number}: BEGIN {what} inside an open {open_kind} region (line {open_line})"
                    )
                open_kind, open_line = what, number
                yield number, line, what, match
            else:
                if open_kind != what:
                    raise MarkerError(
                        f"{source}:{number}: END {what} without a matching BEGIN {what}"
                    )
                open_kind = None
                yield number, line, what, match
            continue
        yield number, line, open_kind, None
    if open_kind is not None:
        raise MarkerError(f"{source}:{open_line}: BEGIN {open_kind} is never closed")


def _strip_regions(text: str, *, replace: dict[str, str | None], source: str) -> str:
    """Drop (or replace) marked regions; ``replace`` maps a region kind to its stand-in line."""
    out: list[str] = []
    for _, line, kind, match in _walk_regions(text, replace, source=source):
        if match is not None:
            stand_in = replace[match["what"]]
            if match["kind"] == "BEGIN" and stand_in is not None:
                out.append(match["indent"] + stand_in)
            continue
        if kind is None:
            out.append(line)
    return "\n".join(out).rstrip("\n") + "\n"


def marked_lines(
    text: str, kinds: Collection[str], source: str = "source"
) -> list[tuple[int, str]]:
    """(line number, line) of every line inside a region of ``kinds``, markers excluded.

    The same parsing as the stripping above: what this returns is exactly what `grade release`
    leaves out of the stubs (SOLUTION, REMOVE) and the public checks (HIDDEN).
    """
    return [
        (number, line)
        for number, line, kind, match in _walk_regions(text, kinds, source=source)
        if kind is not None and match is None
    ]


def make_stub(reference_text: str, source: str = "reference") -> str:
    stub = _strip_regions(
        reference_text, replace={"SOLUTION": STUB_BODY, "REMOVE": None}, source=source
    )
    ast.parse(stub, filename=source)  # the stub must stay valid Python
    return stub


def make_public_checks(grader_text: str, assignment_id: str, source: str = "grader") -> str:
    body = _strip_regions(grader_text, replace={"HIDDEN": None}, source=source)
    header = (
        f"# Public checks for {assignment_id}, released by `grade release` (do not edit).\n"
        f"# Run them with:  grade check {assignment_id} {assignment_id}.py\n"
    )
    text = header + body
    ast.parse(text, filename=source)
    return text


@dataclass
class Cell:
    kind: str  # "code" or "markdown"
    lines: list[str]

    @property
    def text(self) -> str:
        lines = self.lines
        while lines and not lines[0].strip():
            lines = lines[1:]
        while lines and not lines[-1].strip():
            lines = lines[:-1]
        return "\n".join(lines)


def split_cells(text: str) -> list[Cell]:
    """Cells of a percent-format script: ``# %%`` starts code, ``# %% [markdown]`` markdown."""
    cells: list[Cell] = []
    current = Cell("code", [])
    for line in text.splitlines():
        if line.startswith("# %%"):
            if current.text:
                cells.append(current)
            current = Cell("markdown" if "[markdown]" in line else "code", [])
            continue
        if current.kind == "markdown":
            current.lines.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
        else:
            current.lines.append(line)
    if current.text:
        cells.append(current)
    return cells


#: the released notebooks' first code cell: the public checks of one exercise from the notebook
CHECK_LINE = """\
# Verificações públicas aqui mesmo: salve o notebook e rode check("{example}") numa célula.
# Public checks right here: save the notebook and run check("{example}", lang="en") in a cell.
from harness.student import check"""


def _first_exercise(stub_text: str) -> str:
    match = re.search(r"^# ## (\d+\.\d+|[A-Z]\.\d+)\b", stub_text, flags=re.MULTILINE)
    return match.group(1) if match else "1.1"


def make_notebook(stub_text: str, assignment_id: str) -> str:
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    cells = split_cells(stub_text)
    first_code = next((i for i, c in enumerate(cells) if c.kind != "markdown"), len(cells))
    check_line = CHECK_LINE.format(example=_first_exercise(stub_text))
    cells.insert(first_code, Cell("code", check_line.splitlines()))
    for number, cell in enumerate(cells):
        if cell.kind == "markdown":
            new = nbformat.v4.new_markdown_cell(cell.text)
            answer = slot_name(cell.text)  # a written part's answer slot
            if answer is not None:
                new.metadata[ANSWER_METADATA_KEY] = {"answer": answer}
        else:
            new = nbformat.v4.new_code_cell(cell.text)
        new["id"] = f"{assignment_id.replace('_', '-')}-{number:03d}"
        notebook.cells.append(new)
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"


def make_readme(reference_text: str, assignment_id: str) -> str:
    stub = make_stub(reference_text)
    parts = [f"# {assignment_id}\n"]
    for cell in split_cells(stub):
        if cell.kind == "markdown":
            parts.append(cell.text.replace("# PCS 5022", "## PCS 5022", 1) + "\n")
    tree = ast.parse(stub)
    signatures = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
            if isinstance(node, ast.FunctionDef):
                signature = f"def {node.name}({ast.unparse(node.args)})"
                if node.returns is not None:
                    signature += f" -> {ast.unparse(node.returns)}"
            else:
                init = next(
                    (
                        n
                        for n in node.body
                        if isinstance(n, ast.FunctionDef) and n.name == "__init__"
                    ),
                    None,
                )
                signature = f"class {node.name}" + (f"({ast.unparse(init.args)})" if init else "")
            doc = (ast.get_docstring(node) or "").strip().splitlines()
            signatures.append(f"- `{signature}`" + (f": {doc[0]}" if doc else ""))
    parts.append("## Contrato / Contract\n\n" + "\n".join(signatures) + "\n")
    answers = answers_readme_section(stub)
    if answers is not None:
        parts.append(answers)
    parts.append(
        "## Como entregar / How to submit\n\n"
        f"Entregue um único arquivo `{assignment_id}.py` ou `{assignment_id}.ipynb`. "
        f"Antes, rode `grade check {assignment_id} SEU_ARQUIVO`.\n\n"
        f"Submit a single file `{assignment_id}.py` or `{assignment_id}.ipynb`. "
        f"First run `grade check {assignment_id} YOUR_FILE`.\n"
    )
    return "\n".join(parts)


def release_files(assignment: Assignment) -> dict[Path, str]:
    """Every generated file of one assignment and its expected content."""
    reference = assignment.reference_path.read_text(encoding="utf-8")
    stub = make_stub(reference, str(assignment.reference_path))
    files = {
        assignment.stub_path: stub,
        assignment.notebook_path: make_notebook(stub, assignment.id),
        assignment.folder / "README.md": make_readme(reference, assignment.id),
    }
    if assignment.grader_path.exists():
        grader = assignment.grader_path.read_text(encoding="utf-8")
        files[assignment.public_checks_path] = make_public_checks(
            grader, assignment.id, str(assignment.grader_path)
        )
    return files


def stale_files(course: Course, ids: list[str] | None = None) -> list[Path]:
    """Generated files that are missing or differ from what `grade release` would write."""
    stale = []
    for assignment_id in ids or sorted(course.assignments()):
        assignment = course.assignment(assignment_id)
        if not assignment.reference_path.exists():
            continue
        for path, content in release_files(assignment).items():
            if not path.exists() or path.read_text(encoding="utf-8") != content:
                stale.append(path)
    return stale


def release(course: Course, ids: list[str] | None = None) -> list[Path]:
    """Write every generated file; return the ones that changed."""
    changed = []
    for assignment_id in ids or sorted(course.assignments()):
        assignment = course.assignment(assignment_id)
        if not assignment.reference_path.exists():
            continue
        for path, content in release_files(assignment).items():
            if path.exists() and path.read_text(encoding="utf-8") == content:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            changed.append(path)
    return changed
