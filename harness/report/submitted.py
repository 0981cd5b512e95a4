"""The submission itself on the TA's page: the file rendered, written answers, links to lines.

Everything here turns what a student wrote into HTML that is inert: notebooks go through nbconvert
(its ``basic`` template, no script, no widget) and then through an allowlist sanitiser (bleach)
that keeps text, code, tables and ``data:`` images, and drops scripts, styles, forms, event
handlers, ``id`` attributes (except the cell anchors added here), classes other than the ones
nbconvert and Pygments use, and every link that does not point at a line or cell of the file (its
address is kept as a tooltip). ``.py`` files are highlighted by Pygments, one anchor per line
(``#src-L-12``); notebook cells get ``#src-cell-3``, numbered like the judge's messages (every
cell, from 1). The page's Content-Security-Policy (no script but the report's own, images only as
``data:``) stays the last line of defence.
"""

from __future__ import annotations

import base64
import functools
import re
import secrets
import threading
import warnings
from typing import Any

from markupsafe import Markup, escape

from harness.records import SubmittedFile

LINE_ANCHOR = "src-L"
CELL_ANCHOR = "src-cell"

# -- sanitising -----------------------------------------------------------------------------------

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd", "del",
        "details", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
        "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp",
        "small", "span", "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td",
        "tfoot", "th", "thead", "tr", "tt", "u", "ul", "var",
    }
)  # fmt: skip
#: classes nbconvert's classic ``basic`` template writes (the page styles them)
NBCONVERT_CLASSES = frozenset(
    {
        "cell", "border-box-sizing", "text_cell", "code_cell", "raw_cell", "rendered",
        "unrendered", "prompt", "input_prompt", "output_prompt", "inner_cell", "input",
        "input_area", "text_cell_render", "rendered_html", "highlight", "output_wrapper", "output",
        "output_area", "output_subarea", "output_stream", "output_stdout", "output_stderr",
        "output_text", "output_error", "output_html", "output_png", "output_jpeg", "output_gif",
        "output_svg", "output_markdown", "output_latex", "output_execute_result", "linenos",
    }
)  # fmt: skip
DATA_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|svg\+xml);base64,[A-Za-z0-9+/=\s]+$")
OWN_FRAGMENT = re.compile(rf"^#(?:{LINE_ANCHOR}|{CELL_ANCHOR})-\d+$")
NBCONVERT_CELL_ID = re.compile(r"^cell-id=pcs-(\d+)$")
WEB_ADDRESS = re.compile(r"^(?:https?|mailto):", re.IGNORECASE)
DROPPED_CONTENT = re.compile(
    r"<(script|style|template|noscript|iframe|object|textarea|title)\b.*?(?:</\1\s*>|$)",
    re.IGNORECASE | re.DOTALL,
)


@functools.cache
def _pygments_classes() -> frozenset[str]:
    from pygments.token import STANDARD_TYPES

    return frozenset(c for c in STANDARD_TYPES.values() if c)


def _class_ok(name: str) -> bool:
    return (
        name in NBCONVERT_CLASSES
        or name in _pygments_classes()
        or re.fullmatch(r"ansi-[a-z-]+|hl-[A-Za-z0-9_+-]+", name) is not None
    )


def _attribute_ok(tag: str, name: str, value: str) -> bool:
    if name in ("class", "title"):
        return True
    if tag == "a":
        return name == "href"
    if tag == "img":
        if name == "src":
            return DATA_IMAGE.match(value) is not None
        if name in ("width", "height"):
            return value.isdigit()
        return name == "alt"
    if tag in ("td", "th"):
        return name in ("colspan", "rowspan") and value.isdigit()
    if tag == "ol":
        return name == "start" and value.isdigit()
    if tag == "div":
        return name == "id" and NBCONVERT_CELL_ID.match(value) is not None
    return False


def _filter_class() -> type:
    from bleach.html5lib_shim import Filter

    class Inert(Filter):  # type: ignore[misc]
        """After sanitising: known classes only, cell anchors, links only inside the file."""

        def __iter__(self) -> Any:
            for token in super().__iter__():
                if token["type"] in ("StartTag", "EmptyTag"):
                    data = token["data"]
                    classes = data.get((None, "class"))
                    if classes is not None:
                        kept = [c for c in classes.split() if _class_ok(c)]
                        if kept:
                            data[(None, "class")] = " ".join(kept)
                        else:
                            del data[(None, "class")]
                    element_id = data.get((None, "id"))
                    if element_id is not None:
                        match = NBCONVERT_CELL_ID.match(element_id)
                        if match:
                            data[(None, "id")] = f"{CELL_ANCHOR}-{match[1]}"
                        else:
                            del data[(None, "id")]
                    href = data.get((None, "href"))
                    if href is not None and not OWN_FRAGMENT.match(href):
                        del data[(None, "href")]  # shown, never followed
                        if WEB_ADDRESS.match(href):
                            data.setdefault((None, "title"), href[:500])
                    if token["name"] == "img":
                        if (None, "src") not in data:
                            continue  # an image from elsewhere: not loaded, not shown broken
                        data.setdefault((None, "alt"), "")
                yield token

    return Inert


@functools.cache
def _cleaner() -> Any:
    from bleach.sanitizer import Cleaner

    return Cleaner(
        tags=ALLOWED_TAGS,
        attributes=_attribute_ok,
        protocols={"data", "http", "https", "mailto"},
        strip=True,
        strip_comments=True,
        filters=[_filter_class()],
    )


IMAGE_SOURCE = re.compile(
    r"""(?P<head>\ssrc\s*=\s*(?P<q>["']))(?P<uri>data:image/(?:png|jpeg|gif|svg\+xml);base64,)"""
    r"""(?P<data>[A-Za-z0-9+/=\s]{64,})(?P=q)"""
)


def sanitize(html: str) -> Markup:
    """HTML written by a student (or rendered from what a student wrote), made inert.

    Base64 image data (which the sanitiser would accept, slowly) is set aside first and put back
    into the sanitised ``src`` attributes it left, matched by a placeholder only digits make up.
    """
    html = DROPPED_CONTENT.sub("", html)  # cosmetic: the sanitiser would leave their text
    images: list[str] = []

    def set_aside(match: re.Match[str]) -> str:
        images.append("".join(match["data"].split()))
        return f"{match['head']}{match['uri']}{len(images) - 1:08d}{match['q']}"

    clean = _cleaner().clean(IMAGE_SOURCE.sub(set_aside, html))
    if images:
        clean = re.sub(
            r'(src="data:image/(?:png|jpeg|gif|svg\+xml);base64,)(\d{8})"',
            lambda m: f'{m[1]}{images[int(m[2])]}"' if int(m[2]) < len(images) else m[0],
            clean,
        )
    return Markup(clean)


# -- written answers ---------------------------------------------------------------------------------


@functools.cache
def _markdown() -> Any:
    import mistune

    return mistune.create_markdown(escape=False, plugins=["strikethrough", "table"])


def render_answer(text: str) -> Markup:
    """A written answer (markdown) as sanitised HTML."""
    return sanitize(str(_markdown()(text)))


# -- the file ----------------------------------------------------------------------------------------


def _highlight(text: str, lexer_name: str, *, lines: bool = True) -> str:
    """Pygments HTML (escaped text in spans); ``lines``: numbered, one anchor per line."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer, TextLexer

    lexer = PythonLexer() if lexer_name == "python" else TextLexer()
    if lines:
        formatter = HtmlFormatter(linenos="inline", linespans=LINE_ANCHOR, wrapcode=True)
    else:
        formatter = HtmlFormatter()
    return highlight(text, lexer, formatter)


def _inline_svg_outputs(cell: Any) -> None:
    """SVG outputs as ``<img src="data:image/svg+xml...">`` (an image runs no script)."""
    for output in cell.get("outputs", []):
        data = output.get("data") if isinstance(output, dict) else None
        if not isinstance(data, dict) or "image/svg+xml" not in data:
            continue
        svg = data.pop("image/svg+xml")
        if "image/png" in data or "text/html" in data:
            continue
        encoded = base64.b64encode(str(svg).encode("utf-8")).decode("ascii")
        data["text/html"] = f'<img src="data:image/svg+xml;base64,{encoded}" alt="SVG">'


def _as_markdown_code(text: str) -> str:
    """A raw cell shown as an (indented) code block: nothing in it is interpreted."""
    return "\n".join("    " + line for line in text.splitlines()) or "    "


def _notebook_html(text: str) -> str:
    import nbformat

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        notebook = nbformat.reads(text, as_version=4)
    notebook.nbformat_minor = max(int(notebook.get("nbformat_minor", 0)), 5)
    notebook.metadata = nbformat.from_dict(
        {"language_info": {"name": "python", "pygments_lexer": "python3"}}
    )
    for number, cell in enumerate(notebook.cells, start=1):
        cell["id"] = f"pcs-{number}"
        cell["metadata"] = nbformat.from_dict({})
        if cell.get("cell_type") == "raw":
            cell["cell_type"] = "markdown"
            cell["source"] = _as_markdown_code(str(cell.get("source", "")))
        if cell.get("cell_type") == "code":
            _inline_svg_outputs(cell)
    with _RENDERING, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _CODE.start()
        try:
            body, _ = _exporter().from_notebook_node(notebook)
            return _CODE.put_back(str(sanitize(body)))
        finally:
            _CODE.start()


class _CodeSlots:
    """Code cells highlighted apart: nbconvert gets a placeholder, the sanitiser never sees them.

    Pygments' HTML of a code cell is escaped text in spans (thousands of tokens the sanitiser
    would take seconds over); it goes in after sanitising, where a placeholder with a random
    nonce (which the student cannot know) stands.
    """

    def __init__(self) -> None:
        self.nonce = ""
        self.codes: list[str] = []

    def start(self) -> None:
        self.nonce, self.codes = secrets.token_hex(8), []

    def __call__(self, source: str, language: str | None = None, metadata: Any = None) -> str:
        self.codes.append(_highlight(str(source), "python", lines=False))
        return f"PCSCODE{self.nonce}N{len(self.codes) - 1}E"

    def put_back(self, html: str) -> str:
        return re.sub(
            rf"PCSCODE{self.nonce}N(\d+)E",
            lambda m: self.codes[int(m[1])] if int(m[1]) < len(self.codes) else "",
            html,
        )


_CODE = _CodeSlots()
_RENDERING = threading.Lock()  # the exporter and the code slots serve one render at a time


@functools.cache
def _exporter() -> Any:
    """nbconvert's classic ``basic`` template (HTML fragments, no page); sanitised afterwards."""
    from nbconvert import HTMLExporter

    # the whole output is sanitised once afterwards, so the template's cell-by-cell cleaning
    # (the same bleach, with a looser allowlist) is left out
    return HTMLExporter(
        template_name="basic",
        anchor_link_text="",
        filters={"clean_html": lambda html: html, "highlight_code": _CODE},
    )


@functools.lru_cache(maxsize=32)
def _render(format: str, text: str) -> tuple[str, str | None]:
    """(HTML, None), or (HTML of the plain text, why the notebook could not be rendered)."""
    if format == "notebook":
        try:
            return _notebook_html(text), None
        except Exception as exc:  # a stored notebook nbconvert cannot render: show its text
            problem = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
            return _highlight(text, "text"), problem
    return _highlight(text, "python" if format == "python" else "text"), None


def render_file(file: SubmittedFile) -> tuple[Markup, str | None]:
    """The stored file as inert HTML with line or cell anchors, and a rendering problem if any."""
    html, problem = _render(file.format, file.text)
    return Markup(html), problem


def source_css() -> str:
    """Pygments' colours, scoped to the submitted file and the answers."""
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style="default").get_style_defs(".submitted .highlight")


# -- links from messages to the file -----------------------------------------------------------------

CELL_REFERENCE = re.compile(
    r"(?P<phrase>\b(?:cell|célula)\s+(?P<cell>\d+)(?:,\s*(?:line|linha)\s+\d+)?)", re.IGNORECASE
)
LINE_REFERENCE = re.compile(r"(?P<phrase>\b(?:line|linha)\s+(?P<line>\d+))\b", re.IGNORECASE)


def link_locations(text: str, file: SubmittedFile | None) -> Markup:
    """``text`` escaped, with "line 12" / "linha 12" / "cell 3" linked to the file's anchors."""
    if file is None or not text:
        return escape(text)
    if file.format == "notebook":
        pattern, anchor, count, group = CELL_REFERENCE, CELL_ANCHOR, file.cells, "cell"
    else:
        pattern, anchor, count, group = LINE_REFERENCE, LINE_ANCHOR, file.lines, "line"
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        number = int(match[group])
        if not 1 <= number <= count:
            continue
        out.append(str(escape(text[last : match.start()])))
        out.append(f'<a class="to-source" href="#{anchor}-{number}">{escape(match["phrase"])}</a>')
        last = match.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))
