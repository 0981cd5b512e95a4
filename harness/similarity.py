"""Similar submissions: which pairs of one assignment share suspiciously much code or prose.

Fingerprints come from copydetect (winnowing over k-grams of a token stream, as MOSS does). Its
Python filter drops comments, docstrings and whitespace and replaces identifiers, so renaming
variables, reformatting, rewriting comments and reordering functions do not hide a copy. For each
assignment the released stub and public checks are boilerplate: their fingerprints are removed
from every submission, so the starter code that everybody shares never counts. Code is compared as
code (a notebook's code cells joined); the written answers are compared separately, as text.
Only pairs that share at least one fingerprint are compared (an inverted index), so a class of
hundreds costs little more than fingerprinting it. Nothing here touches a grade.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from harness.course import Course
from harness.records import SubmissionResult

#: copydetect's defaults: matches shorter than NOISE_T tokens are ignored, matches of GUARANTEE_T
#: tokens or more are always found
NOISE_T = 25
GUARANTEE_T = 30
#: a pair is listed when either side has at least this share of its tokens in common
DEFAULT_THRESHOLD = 0.5
#: and when the shared part is at least this many tokens (two short files can agree by chance)
MIN_SHARED_TOKENS = 60
#: the most similar pairs kept per assignment and kind (a class where everyone shares the same
#: code would otherwise list every pair, and write a page for each)
MAX_PAIRS = 200


class Match(BaseModel):
    """Lines (1-based, inclusive ranges) of one file's shown text that the other file contains."""

    lines: list[tuple[int, int]]


class SimilarPair(BaseModel):
    """Two submissions of one assignment and how much of each the other contains."""

    assignment: str
    kind: Literal["code", "answers"]
    first: str
    second: str
    first_share: float = Field(description="share of the first file's tokens found in the second")
    second_share: float
    shared_tokens: int
    first_matches: Match
    second_matches: Match

    @property
    def share(self) -> float:
        return max(self.first_share, self.second_share)


class SimilarityReport(BaseModel):
    """What `grade similarity OUT` found (OUT/similarity.json)."""

    threshold: float
    min_shared_tokens: int
    compared_pairs: int
    submissions: dict[str, int] = Field(description="submissions compared, per assignment")
    pairs: list[SimilarPair]
    #: the texts the pages highlight: (assignment, kind, student) -> text
    texts: dict[str, str] = Field(default_factory=dict, repr=False)


@dataclass
class Document:
    student: str
    #: what was fingerprinted (canonical code, local names made one)
    text: str
    fingerprint: Any


def _copydetect() -> Any:
    try:
        import copydetect.detector as detector
    except ImportError as error:  # pragma: no cover - pinned in requirements.lock
        raise RuntimeError(
            "grade similarity needs copydetect: pip install '.[similarity]'"
        ) from error
    return detector


def code_of(result: SubmissionResult) -> str:
    """The code of a stored submission: the .py file, or a notebook's code cells joined."""
    stored = result.submitted
    if stored is None:
        return ""
    return notebook_code(stored.text) if stored.format == "notebook" else stored.text


def notebook_code(text: str) -> str:
    """A notebook's code cells (its JSON text), joined; nothing when it cannot be read."""
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return ""
    sources = []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            sources.append("".join(source) if isinstance(source, list) else str(source))
    return "\n\n".join(sources)


class _LocalNames(ast.NodeTransformer):
    """Every argument and local variable of a function becomes ``v``: renaming them (``self``
    included, which the token filter would otherwise keep) hides nothing."""

    def _rename(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> Any:
        arguments = node.args
        every = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
        every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
        local = {a.arg for a in every}
        local |= {
            n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
        for child in ast.walk(node):
            if isinstance(child, ast.Name) and child.id in local:
                child.id = "v"
            elif isinstance(child, ast.arg) and child.arg in local:
                child.arg = "v"
        return node

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _rename


def canonical(code: str, *, rename: bool = True) -> str:
    """The code as Python's own unparser lays it out, local names made one: comments gone, one
    quoting style, the same spacing, parentheses and line breaks for everyone. A copy run through
    a formatter, with its variables renamed, or a stub reformatted by an editor, then reads the
    same token by token. Notebook shell lines (``%``,
    ``!``, ``obj?``) are dropped first; code that still does not parse is compared as written."""
    lines = [
        line
        for line in code.splitlines()
        if not line.lstrip().startswith(("%", "!")) and not line.rstrip().endswith("?")
    ]
    try:
        tree = ast.parse("\n".join(lines))
        if rename:
            tree = _LocalNames().visit(tree)
        return ast.unparse(tree) + "\n"
    except (SyntaxError, ValueError, RecursionError):
        return code


def answers_of(result: SubmissionResult) -> str:
    """The written answers, in rubric order, as one text."""
    return "\n\n".join(
        item.answer.text
        for item in result.rubric
        if item.answer is not None and item.answer.state == "answered"
    )


@dataclass
class Fingerprint:
    """copydetect's CodeFingerprint, with a k-gram hash that is the same in every process.

    copydetect hashes k-grams with Python's ``hash()``, which is salted per process
    (PYTHONHASHSEED), so the same two files would get slightly different matches on every run.
    Here the k-grams are hashed with BLAKE2b; filtering, winnowing and comparison are
    copydetect's own."""

    filename: str
    raw_code: str
    filtered_code: str
    offsets: Any
    hashes: set[int]
    hash_idx: dict[int, list[int]]
    k: int
    token_coverage: int


def _stable_kgram_hashes(text: str, k: int) -> Any:
    import numpy as np

    values = [
        int.from_bytes(hashlib.blake2b(text[i : i + k].encode(), digest_size=8).digest(), "little")
        - 2**63
        for i in range(len(text) - k + 1)
    ]
    return np.array(values, dtype=np.int64)


def _fingerprint(
    text: str, name: str, *, code: bool, boilerplate: Iterable[int] = ()
) -> Fingerprint:
    import numpy as np
    from copydetect import utils

    _copydetect()
    if code:
        filtered, offsets = utils.filter_code(text, name, "python")
        # the filter keeps a literal's quotes ("S" or 'S'): a formatter that swaps them would
        # change every k-gram around a string. Same-length, so the offsets still hold
        filtered = filtered.replace("'", '"')
    else:
        filtered, offsets = text, np.array([])
    k = NOISE_T
    hashes, idx = utils.winnow(
        _stable_kgram_hashes(filtered, k), GUARANTEE_T - NOISE_T + 1, remove_duplicates=False
    )
    common = np.isin(hashes, np.fromiter(boilerplate, dtype=np.int64))
    hashes, idx = hashes[~common], idx[~common]
    positions: dict[int, list[int]] = {}
    for value, position in zip(hashes.tolist(), idx.tolist(), strict=True):
        positions.setdefault(value, []).append(position)
    return Fingerprint(
        filename=name,
        raw_code=text,
        filtered_code=filtered,
        offsets=offsets,
        hashes=set(positions),
        hash_idx=positions,
        k=k,
        token_coverage=utils.get_token_coverage(positions, k, len(filtered)) if positions else 0,
    )


def _boilerplate(course: Course | None, assignment: str) -> list[int]:
    """Fingerprints of what every student receives: the stub and the public checks."""
    if course is None:
        return []
    try:
        released = course.assignment(assignment)
    except Exception:
        return []
    hashes: set[int] = set()
    for path in (released.stub_path, released.public_checks_path):
        if path.exists():
            text = canonical(path.read_text("utf-8"))
            hashes |= set(_fingerprint(text, path.name, code=True).hashes)
    notebook = released.notebook_path
    if notebook.exists():
        stub_code = canonical(notebook_code(notebook.read_text("utf-8")))
        hashes |= set(_fingerprint(stub_code, "stub", code=True).hashes)
    return sorted(hashes)


def compare_documents(
    documents: list[Document],
    *,
    assignment: str,
    kind: Literal["code", "answers"],
    threshold: float = DEFAULT_THRESHOLD,
    min_shared_tokens: int = MIN_SHARED_TOKENS,
) -> tuple[list[SimilarPair], int]:
    """The pairs above the threshold, and how many pairs shared any fingerprint at all."""
    detector = _copydetect()
    index: dict[int, set[int]] = defaultdict(set)
    for position, document in enumerate(documents):
        for value in set(int(h) for h in document.fingerprint.hashes):
            index[value].add(position)
    candidates: set[tuple[int, int]] = set()
    for holders in index.values():
        if len(holders) > 1:
            candidates.update(combinations(sorted(holders), 2))
    pairs = []
    for i, j in sorted(candidates):
        a, b = documents[i], documents[j]
        shared, (first, second), (slices_a, slices_b) = detector.compare_files(
            a.fingerprint, b.fingerprint
        )
        if shared < min_shared_tokens or max(first, second) < threshold:
            continue  # the ranges below are only worked out for listed pairs
        pairs.append(
            SimilarPair(
                assignment=assignment,
                kind=kind,
                first=a.student,
                second=b.student,
                first_share=round(float(first), 4),
                second_share=round(float(second), 4),
                shared_tokens=int(shared),
                first_matches=_match(slices_a, a.text),
                second_matches=_match(slices_b, b.text),
            )
        )
    pairs.sort(key=lambda p: (-p.share, p.first, p.second))
    return pairs[:MAX_PAIRS], len(candidates)


def _match(slices: Any, text: str) -> Match:
    """Character ranges of the compared text as line ranges: the shown text (the same code with
    its own names) has the same lines, since renaming never moves a line break."""
    if getattr(slices, "size", 0) == 0:
        return Match(lines=[])
    ranges = []
    for start, end in zip(slices[0].tolist(), slices[1].tolist(), strict=True):
        first = text.count("\n", 0, int(start)) + 1
        last = text.count("\n", 0, max(int(end) - 1, int(start))) + 1
        if ranges and first <= ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], max(last, ranges[-1][1]))
        else:
            ranges.append((first, last))
    return Match(lines=ranges)


def text_key(assignment: str, kind: str, student: str) -> str:
    return f"{assignment}\x1f{kind}\x1f{student}"


def find_similar(
    results: Iterable[SubmissionResult],
    course: Course | None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_shared_tokens: int = MIN_SHARED_TOKENS,
) -> SimilarityReport:
    """Compare, per assignment, every pair of graded submissions (code, then written answers)."""
    by_assignment: dict[str, list[SubmissionResult]] = defaultdict(list)
    for result in results:
        by_assignment[result.assignment].append(result)
    pairs: list[SimilarPair] = []
    compared = 0
    texts: dict[str, str] = {}
    counts: dict[str, int] = {}
    listing: dict[str, Any] = {"threshold": threshold, "min_shared_tokens": min_shared_tokens}
    for assignment, group in sorted(by_assignment.items()):
        group.sort(key=lambda r: r.student)
        counts[assignment] = len(group)
        boilerplate = _boilerplate(course, assignment)
        for kind in ("code", "answers"):
            documents = []
            for result in group:
                source = code_of(result) if kind == "code" else answers_of(result)
                text = canonical(source) if kind == "code" else source
                if not text.strip():
                    continue
                shown = canonical(source, rename=False) if kind == "code" else source
                texts[text_key(assignment, kind, result.student)] = shown
                fingerprint = _fingerprint(
                    text,
                    f"{result.student}/{assignment}",
                    code=kind == "code",
                    boilerplate=boilerplate if kind == "code" else (),
                )
                documents.append(Document(result.student, text, fingerprint))
            found, candidates = compare_documents(
                documents, assignment=assignment, kind=kind, **listing
            )
            pairs += found
            compared += candidates
    keep = {text_key(p.assignment, p.kind, s) for p in pairs for s in (p.first, p.second)}
    return SimilarityReport(
        **listing,
        compared_pairs=compared,
        submissions=counts,
        pairs=pairs,
        texts={k: v for k, v in texts.items() if k in keep},
    )


def write_report(report: SimilarityReport, out: Path, *, lang: str = "pt-BR") -> Path:
    """OUT/similarity.json and one side-by-side page per pair under OUT/report/similarity/."""
    from harness.outputs import write_atomic
    from harness.report.similarity_pages import render_pair, render_similarity_index

    write_atomic(out / "similarity.json", report.model_dump_json(indent=1) + "\n")
    folder = out / "report" / "similarity"
    folder.mkdir(parents=True, exist_ok=True)
    for number, pair in enumerate(report.pairs, start=1):
        first = report.texts.get(text_key(pair.assignment, pair.kind, pair.first), "")
        second = report.texts.get(text_key(pair.assignment, pair.kind, pair.second), "")
        write_atomic(
            folder / pair_page(number), render_pair(pair, first, second, number, lang=lang)
        )
    index = folder / "index.html"
    write_atomic(index, render_similarity_index(report, lang=lang))
    return index


def pair_page(number: int) -> str:
    return f"pair-{number:04d}.html"


def read_report(out: Path) -> SimilarityReport | None:
    path = out / "similarity.json"
    if not path.exists():
        return None
    try:
        return SimilarityReport.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError:
        return None
