"""Written answers: the answer slots of the stubs, and reading a submission as data.

Every rubric item (a written part that a TA scores) has an **answer slot** in the stub, a markdown
cell whose first line is a heading naming the item::

    # %% [markdown]
    # ### Resposta / Answer: leakage_discussion (1.1)
    #
    # *Escreva sua resposta abaixo deste título ... / Write your answer below this heading ...*

In the notebook the same cell also carries the metadata ``{"pcs5022": {"answer": "<item>"}}``.
`grade release` writes the slots from the reference solutions (a model answer there sits in a
``# BEGIN REMOVE`` ... ``# END REMOVE`` region, which the stubs leave out).

The judge reads answers **statically**, never by running the file: the notebook's JSON (the cell
with the item's metadata, or else a markdown heading naming the item) or the ``.py`` text (the
comment lines below a heading naming the item). Students may reword the heading: it is found by
the words "Resposta"/"Answer" and the item's name (or its exercise number). The answer is the rest
of the slot's cell and the markdown cells after it, up to the next code cell, slot or section
heading; in a ``.py`` file, the comment lines (or one triple-quoted string) below the heading.

:func:`submission_fields` is what the judge calls: it adds the answers to the rubric entries and a
trimmed copy of the file (:func:`stored_file`) for the TA's page.
"""

from __future__ import annotations

import base64
import json
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from harness.records import RubricResult, SubmittedFile, WrittenAnswer

METADATA_KEY = "pcs5022"
#: the lines of an empty slot (not part of the answer)
PLACEHOLDER = (
    "*Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); "
    "não mude o título.*",
    "*Write your answer below this heading (in the `.py` file, as `# ` comment lines); "
    "keep the heading.*",
)
MAX_ANSWER_CHARS = 20_000

# -- the slot heading ----------------------------------------------------------------------------

#: the heading `grade release` looks for in the reference solutions (strict)
SLOT_HEADING = re.compile(
    r"^#{1,6}\s+Resposta\s*/\s*Answer:\s*(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*"
    r"\((?P<exercise>[^()\s]+)\)\s*$"
)
#: any markdown ATX heading (what the judge tolerates in a submission)
HEADING = re.compile(r"^\s{0,3}(?P<level>#{1,6})(?:\s+(?P<title>.*?))?\s*#*\s*$")
ANSWER_WORD = re.compile(r"(?i)(?<![a-z])(?:resposta|answer)(?![a-z])")
MARKER_LINE = re.compile(r"^\s*(?:#\s*)?(?:BEGIN|END) (?:SOLUTION|REMOVE|HIDDEN)\s*$")
HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
PERCENT_MARKER = re.compile(r"^\s*#\s?%%")


def slot_heading(name: str, exercise: str) -> str:
    """The slot's heading line (markdown), as the reference solutions write it."""
    return f"### Resposta / Answer: {name} ({exercise})"


def slot_name(markdown: str) -> str | None:
    """The rubric item of a markdown cell that is an answer slot (its first line), else None."""
    for line in markdown.splitlines():
        if line.strip():
            match = SLOT_HEADING.match(line.strip())
            return match["name"] if match else None
    return None


def slots_in(stub_text: str) -> list[tuple[str, str]]:
    """(item, exercise) of every slot heading in a percent-format stub, in order."""
    found = []
    for line in stub_text.splitlines():
        match = SLOT_HEADING.match(_decomment(line).strip()) if line.startswith("#") else None
        if match:
            found.append((match["name"], match["exercise"]))
    return found


def readme_section(stub_text: str) -> str | None:
    """How to write the answers, for an assignment's README (None when it has no slot)."""
    slots = slots_in(stub_text)
    if not slots:
        return None
    items = "\n".join(f"- `{slot_heading(name, exercise)}`" for name, exercise in slots)
    return (
        "## Respostas escritas / Written answers\n\n"
        "**PT.** As partes escritas, avaliadas por monitores, têm cada uma um espaço de resposta: "
        "uma célula de markdown cujo título nomeia o item. Escreva a resposta logo abaixo do "
        "título, na mesma célula (no notebook; pode continuar em células de markdown logo abaixo) "
        "ou em linhas de comentário `# ` logo abaixo do título (no `.py`). Não mude nem apague o "
        "título: é por ele que a resposta é encontrada. O arquivo não é executado para ler as "
        "respostas; um espaço vazio aparece como resposta em branco para o monitor.\n\n"
        "**EN.** Each written part, scored by a TA, has an answer slot: a markdown cell whose "
        "heading names the item. Write the answer right below the heading, in the same cell (in "
        "the notebook; it may go on in markdown cells right below) or as `# ` comment lines right "
        "below the heading (in the `.py` file). Do not change or delete the heading: it is how the "
        "answer is found. The file is not run to read the answers; an empty slot shows as a blank "
        "answer to the TA.\n\n" + items + "\n"
    )


# -- reading answers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    name: str
    exercise: str


def _decomment(line: str) -> str:
    """A comment line of a percent-format file as markdown (``# ## x`` -> ``## x``)."""
    text = line.lstrip()
    if text.startswith("# "):
        return text[2:]
    return text[1:] if text.startswith("#") else text


def _heading(line: str) -> tuple[int, str] | None:
    match = HEADING.match(line)
    if not match:
        return None
    return len(match["level"]), match["title"] or ""


def _match_item(line: str, items: Sequence[Item]) -> tuple[Item, int] | None:
    """The item an answer heading names (by name, else by its exercise number) and its level."""
    heading = _heading(line)
    if heading is None:
        return None
    level, title = heading
    plain = title.replace("\\", "").replace("`", "").replace("*", "")
    if not ANSWER_WORD.search(plain):
        return None
    for item in sorted(items, key=lambda i: -len(i.name)):
        if re.search(rf"(?<![A-Za-z0-9_]){re.escape(item.name)}(?![A-Za-z0-9_])", plain):
            return item, level
    by_exercise = [
        i for i in items if re.search(rf"(?<![\d.]){re.escape(i.exercise)}(?![\d]|\.\d)", plain)
    ]
    if len(by_exercise) == 1:
        return by_exercise[0], level
    return None


def _is_placeholder(line: str) -> bool:
    def norm(text: str) -> str:
        return re.sub(r"[\s*_`]+", " ", text).strip().casefold()

    return bool(line.strip()) and norm(line) in {norm(p) for p in PLACEHOLDER}


def _clean(lines: Iterable[str]) -> tuple[str, bool]:
    """The answer text without placeholder, markers and HTML comments; (text, truncated)."""
    kept = [line for line in lines if not _is_placeholder(line) and not MARKER_LINE.match(line)]
    text = HTML_COMMENT.sub("", "\n".join(kept))
    text = "\n".join(line.rstrip() for line in text.splitlines()).strip("\n")
    if len(text) > MAX_ANSWER_CHARS:
        return text[:MAX_ANSWER_CHARS], True
    return text, False


def _answer(lines: list[str], *, cell: int | None = None, line: int | None = None) -> WrittenAnswer:
    text, truncated = _clean(lines)
    state = "answered" if re.search(r"\w", text) else "blank"
    return WrittenAnswer(
        state=state,
        text=text if state == "answered" else "",
        cell=cell,
        line=line,
        truncated=truncated,
    )


def _best(found: dict[str, list[WrittenAnswer]], items: Sequence[Item]) -> dict[str, WrittenAnswer]:
    """Per item: the first answered slot, else the first slot, else missing."""
    answers = {}
    for item in items:
        candidates = found.get(item.name, [])
        answered = [a for a in candidates if a.state == "answered"]
        if answered:
            answers[item.name] = answered[0]
        elif candidates:
            answers[item.name] = candidates[0]
        else:
            answers[item.name] = WrittenAnswer(state="missing")
    return answers


def _cell_text(cell: Any) -> str:
    source = cell.get("source", "") if isinstance(cell, dict) else ""
    if isinstance(source, list):
        source = "".join(str(part) for part in source)
    return source if isinstance(source, str) else ""


def _metadata_item(cell: Any, items: Sequence[Item]) -> Item | None:
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    ours = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
    name = ours.get("answer") if isinstance(ours, dict) else None
    return next((i for i in items if i.name == name), None)


def _first_heading(lines: list[str]) -> tuple[int, int] | None:
    """(index, level) of the first non-blank line when it is a heading."""
    for index, line in enumerate(lines):
        if line.strip():
            heading = _heading(line)
            return (index, heading[0]) if heading else None
    return None


def notebook_answers(cells: list[Any], items: Sequence[Item]) -> dict[str, WrittenAnswer]:
    """Answers from notebook cells (dicts as in the JSON); cell numbers count every cell from 1."""
    slots: dict[int, tuple[Item, int, int | None]] = {}  # cell -> (item, level, heading index)
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "markdown":
            continue
        lines = _cell_text(cell).splitlines()
        first = _first_heading(lines)
        by_heading = _match_item(lines[first[0]], items) if first else None
        if by_heading is not None and first is not None:  # the heading the student sees wins
            slots[number] = (by_heading[0], by_heading[1], first[0])
            continue
        by_metadata = _metadata_item(cell, items)
        if by_metadata is not None:  # a reworded heading is still the slot's title
            slots[number] = (by_metadata, first[1] if first else 3, first[0] if first else None)
    found: dict[str, list[WrittenAnswer]] = {}
    for number, (item, level, heading_index) in slots.items():
        lines = _cell_text(cells[number - 1]).splitlines()
        if heading_index is not None:
            lines = lines[heading_index + 1 :]
        for later in range(number + 1, len(cells) + 1):
            cell = cells[later - 1]
            if later in slots or not isinstance(cell, dict):
                break
            if cell.get("cell_type") != "markdown":
                break
            more = _cell_text(cell).splitlines()
            first = _first_heading(more)
            if first is not None and first[1] <= level:
                break  # a new section
            lines += ["", *more]
        found.setdefault(item.name, []).append(_answer(lines, cell=number))
    return _best(found, items)


TRIPLE_QUOTE = re.compile(r"""^\s*[rRuU]?(?P<quote>\"\"\"|''')(?P<rest>.*)$""")


def python_answers(text: str, items: Sequence[Item]) -> dict[str, WrittenAnswer]:
    """Answers from a percent-format ``.py``: the comment lines below each slot heading."""
    lines = text.splitlines()
    found: dict[str, list[WrittenAnswer]] = {}
    for number, line in enumerate(lines, start=1):
        if not line.lstrip().startswith("#") or PERCENT_MARKER.match(line):
            continue
        slot = _match_item(_decomment(line), items)
        if slot is None:
            continue
        item, level = slot
        body: list[str] = []
        index = number  # 0-based index of the line after the heading
        while index < len(lines):
            current = lines[index]
            if PERCENT_MARKER.match(current):
                break
            if not current.strip():
                body.append("")
                index += 1
                continue
            if not current.lstrip().startswith("#"):
                body += _string_block(lines, index)
                break
            markdown = _decomment(current)
            heading = _heading(markdown)
            if heading is not None and (
                heading[0] <= level or _match_item(markdown, items) is not None
            ):
                break
            body.append(markdown)
            index += 1
        found.setdefault(item.name, []).append(_answer(body, line=number))
    return _best(found, items)


def _string_block(lines: list[str], index: int) -> list[str]:
    """The text of a triple-quoted string starting at ``lines[index]`` (else nothing)."""
    match = TRIPLE_QUOTE.match(lines[index])
    if not match:
        return []
    quote, rest = match["quote"], match["rest"]
    if quote in rest:
        return [rest[: rest.index(quote)]]
    body = [rest]
    for line in lines[index + 1 :]:
        if quote in line:
            body.append(line[: line.index(quote)])
            return body
        body.append(line)
    return body


def read_notebook(raw: bytes) -> dict[str, Any] | None:
    """A notebook as nbformat v4 data (the same reading as the judge's), or None."""
    import nbformat

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # missing cell ids and the like: still readable
            notebook = nbformat.reads(raw.decode("utf-8-sig"), as_version=4)
    except Exception:  # nbformat raises many kinds of errors for malformed notebooks
        return None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        return None
    return notebook


def read_answers(
    raw: bytes, suffix: str, items: Sequence[Item], *, notebook: dict[str, Any] | None = None
) -> dict[str, WrittenAnswer]:
    """Every item's answer in a submitted file (``.py`` or ``.ipynb``), read as data."""
    if not items:
        return {}
    if suffix == ".ipynb":
        notebook = notebook if notebook is not None else read_notebook(raw)
        if notebook is None:
            return {i.name: WrittenAnswer(state="missing") for i in items}
        return notebook_answers(list(notebook["cells"]), items)
    return python_answers(raw.decode("utf-8-sig", errors="replace"), items)


# -- the file, kept for the TA's page ----------------------------------------------------------------

MAX_TEXT_CHARS = 400_000  # a .py file, or a file that is not a readable notebook
MAX_NOTEBOOK_CHARS = 3_000_000  # the stored notebook JSON, after trimming
MAX_CELLS = 2_000
MAX_CELL_SOURCE = 100_000
MAX_OUTPUTS_PER_CELL = 30
MAX_OUTPUT_TEXT = 20_000
MAX_OUTPUT_HTML = 100_000
MAX_IMAGE_BASE64 = 1_000_000
KEPT_MIMETYPES = (
    "text/plain",
    "text/html",
    "text/markdown",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/svg+xml",
)
IMAGE_MIMETYPES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")


def _cut(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    return text[:limit] + f"\n[… {len(text) - limit} characters cut / caracteres cortados]", True


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return value if isinstance(value, str) else json.dumps(value)[:MAX_OUTPUT_TEXT]


class _Trimmer:
    def __init__(self) -> None:
        self.trimmed = 0

    def text(self, value: Any, limit: int) -> str:
        text, cut = _cut(_as_text(value), limit)
        self.trimmed += cut
        return text

    def output(self, output: Any) -> dict[str, Any] | None:
        if not isinstance(output, dict):
            self.trimmed += 1
            return None
        kind = output.get("output_type")
        if kind == "stream":
            name = output.get("name") if output.get("name") in ("stdout", "stderr") else "stdout"
            return {
                "output_type": "stream",
                "name": name,
                "text": self.text(output.get("text", ""), MAX_OUTPUT_TEXT),
            }
        if kind == "error":
            traceback = output.get("traceback")
            lines = [str(t) for t in traceback] if isinstance(traceback, list) else []
            if len(lines) > 40:
                lines = lines[:5] + ["[…]"] + lines[-34:]
                self.trimmed += 1
            return {
                "output_type": "error",
                "ename": self.text(output.get("ename", ""), 200),
                "evalue": self.text(output.get("evalue", ""), 2_000),
                "traceback": [self.text(line, 4_000) for line in lines],
            }
        if kind in ("display_data", "execute_result"):
            data = output.get("data")
            kept: dict[str, str] = {}
            for mime in KEPT_MIMETYPES:
                if not isinstance(data, dict) or mime not in data:
                    continue
                value = _as_text(data[mime])
                if mime in ("image/png", "image/jpeg", "image/gif"):
                    value = "".join(value.split())
                    if len(value) > MAX_IMAGE_BASE64 or not _is_base64(value):
                        self.trimmed += 1
                        continue
                elif mime == "image/svg+xml" or mime == "text/html":
                    if len(value) > MAX_OUTPUT_HTML:
                        self.trimmed += 1
                        continue
                else:
                    value = self.text(value, MAX_OUTPUT_TEXT)
                kept[mime] = value
            if isinstance(data, dict) and set(data) - set(KEPT_MIMETYPES):
                self.trimmed += 1  # scripts, widgets...: nothing a static page can show
            if not kept:
                return None
            new: dict[str, Any] = {"output_type": kind, "data": kept, "metadata": {}}
            if kind == "execute_result":
                count = output.get("execution_count")
                new["execution_count"] = count if type(count) is int else None
            return new
        self.trimmed += 1
        return None

    def cell(self, cell: Any) -> dict[str, Any]:
        if not isinstance(cell, dict):
            self.trimmed += 1
            return {"cell_type": "raw", "metadata": {}, "source": ""}
        kind = cell.get("cell_type")
        kind = kind if kind in ("code", "markdown", "raw") else "raw"
        new: dict[str, Any] = {
            "cell_type": kind,
            "metadata": {},
            "source": self.text(_cell_text(cell), MAX_CELL_SOURCE),
        }
        metadata = cell.get("metadata")
        if isinstance(metadata, dict) and isinstance(metadata.get(METADATA_KEY), dict):
            answer = metadata[METADATA_KEY].get("answer")
            if isinstance(answer, str):
                new["metadata"] = {METADATA_KEY: {"answer": answer[:200]}}
        if kind == "markdown" and isinstance(cell.get("attachments"), dict):
            attachments = {}
            for name, bundle in list(cell["attachments"].items())[:20]:
                if not isinstance(bundle, dict):
                    continue
                images = {
                    mime: "".join(_as_text(value).split())
                    for mime, value in bundle.items()
                    if mime in ("image/png", "image/jpeg", "image/gif")
                }
                images = {
                    mime: value
                    for mime, value in images.items()
                    if len(value) <= MAX_IMAGE_BASE64 and _is_base64(value)
                }
                if images:
                    attachments[str(name)[:200]] = images
                else:
                    self.trimmed += 1
            if attachments:
                new["attachments"] = attachments
        if kind == "code":
            count = cell.get("execution_count")
            new["execution_count"] = count if type(count) is int else None
            outputs = cell.get("outputs")
            outputs = outputs if isinstance(outputs, list) else []
            if len(outputs) > MAX_OUTPUTS_PER_CELL:
                self.trimmed += len(outputs) - MAX_OUTPUTS_PER_CELL
                outputs = outputs[:MAX_OUTPUTS_PER_CELL]
            new["outputs"] = [o for o in (self.output(o) for o in outputs) if o is not None]
        return new


def _is_base64(value: str) -> bool:
    if not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", value):
        return False
    try:
        base64.b64decode(value[:64] + "=" * (-len(value[:64]) % 4), validate=True)
    except ValueError:
        return False
    return True


def _notebook_json(cells: list[dict[str, Any]]) -> str:
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"language_info": {"name": "python"}},
        "cells": cells,
    }
    return json.dumps(notebook, ensure_ascii=False)


def _drop_images(cells: list[dict[str, Any]]) -> int:
    dropped = 0
    for cell in reversed(cells):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in IMAGE_MIMETYPES:
                if mime in data:
                    del data[mime]
                    dropped += 1
                    data.setdefault("text/plain", "[image left out: the notebook is too large]")
        if cell.pop("attachments", None):
            dropped += 1
    return dropped


def stored_file(
    raw: bytes, suffix: str, *, notebook: dict[str, Any] | None = None
) -> SubmittedFile:
    """The submitted file as the gradebook keeps it: capped, notebook outputs trimmed."""
    if suffix == ".ipynb":
        notebook = notebook if notebook is not None else read_notebook(raw)
        if notebook is not None:
            trimmer = _Trimmer()
            source_cells = list(notebook["cells"])
            if len(source_cells) > MAX_CELLS:
                trimmer.trimmed += len(source_cells) - MAX_CELLS
                source_cells = source_cells[:MAX_CELLS]
            cells = [trimmer.cell(cell) for cell in source_cells]
            for number, cell in enumerate(cells, start=1):
                cell["id"] = f"cell-{number}"  # nbformat 4.5 wants ids; numbered like the judge
            text = _notebook_json(cells)
            if len(text) > MAX_NOTEBOOK_CHARS:
                trimmer.trimmed += _drop_images(cells)
                text = _notebook_json(cells)
            if len(text) > MAX_NOTEBOOK_CHARS:
                for cell in cells:
                    if cell.get("outputs"):
                        trimmer.trimmed += len(cell["outputs"])
                        cell["outputs"] = []
                text = _notebook_json(cells)
            while len(text) > MAX_NOTEBOOK_CHARS and cells:
                cells.pop()
                trimmer.trimmed += 1
                text = _notebook_json(cells)
            return SubmittedFile(
                format="notebook",
                text=text,
                size_bytes=len(raw),
                cells=len(cells),
                trimmed=trimmer.trimmed,
            )
    decoded = raw.decode("utf-8-sig", errors="replace").replace("\x00", "\ufffd")
    text, truncated = (
        (decoded[:MAX_TEXT_CHARS], True) if len(decoded) > MAX_TEXT_CHARS else (decoded, False)
    )
    return SubmittedFile(
        format="python" if suffix == ".py" else "text",
        text=text,
        size_bytes=len(raw),
        lines=len(text.splitlines()),
        truncated=truncated,
    )


# -- the judge's hook -----------------------------------------------------------------------------------


def submission_fields(raw: bytes, suffix: str, rubric: Sequence[RubricResult]) -> dict[str, Any]:
    """What the judge adds to a SubmissionResult: answers in the rubric entries, the file.

    Called in ``Judge.grade_bytes`` as ``base.update(submission_fields(raw, suffix,
    base["rubric"]))``. It reads the file as data and never raises: a file it cannot read gives
    missing answers (or, when something unexpected happens, entries without answers).
    """
    notebook = read_notebook(raw) if suffix == ".ipynb" else None
    fields: dict[str, Any] = {}
    try:
        items = [Item(r.name, r.exercise) for r in rubric]
        answers = read_answers(raw, suffix, items, notebook=notebook)
        fields["rubric"] = [r.model_copy(update={"answer": answers.get(r.name)}) for r in rubric]
    except Exception:  # never let a written part stop the grading of the checks
        fields["rubric"] = list(rubric)
    try:
        fields["submitted"] = stored_file(raw, suffix, notebook=notebook)
    except Exception:
        fields["submitted"] = None
    return fields
