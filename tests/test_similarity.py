"""grade similarity: copies survive renaming, reordering, new comments and reformatting; correct
solutions written independently and untouched stubs are not flagged (precision and recall are
printed and asserted on a constructed class)."""

from __future__ import annotations

import ast
import itertools
import json
import random
import subprocess
import sys
from pathlib import Path

from harness.gradebook import Gradebook
from harness.records import SubmissionResult, SubmittedFile
from harness.similarity import find_similar
from tests.support import COURSE, REPO, reference_text

ASSIGNMENTS = ("ch02_feedforward", "ch09_transformers_mlp", "ch10_transfer")


class _RenameLocals(ast.NodeTransformer):
    """Renames every argument and local variable of every function (a student hiding a copy)."""

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        local = {a.arg for a in node.args.args + node.args.kwonlyargs}
        local |= {
            n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
        names = {name: f"v_{i}_{name[::-1]}" for i, name in enumerate(sorted(local))}
        for child in ast.walk(node):
            if isinstance(child, ast.Name) and child.id in names:
                child.id = names[child.id]
            elif isinstance(child, ast.arg) and child.arg in names:
                child.arg = names[child.arg]
        return node


def disguise(source: str, seed: int) -> str:
    """Renamed locals, top-level functions in another order, comments replaced, reformatted."""
    tree = _RenameLocals().visit(ast.parse(source))
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    random.Random(seed).shuffle(functions)
    rest = [n for n in tree.body if not isinstance(n, ast.FunctionDef)]
    tree.body = rest + functions
    lines = ast.unparse(tree).splitlines()
    return (
        "\n".join(
            f"{line}  # step {i}" if line.strip() and i % 7 == 0 else line
            for i, line in enumerate(lines)
        )
        + "\n"
    )


def _result(student: str, assignment: str, text: str) -> SubmissionResult:
    return SubmissionResult.model_construct(
        student=student,
        assignment=assignment,
        rubric=[],
        submitted=SubmittedFile(format="python", text=text),
    )


def _constructed_class() -> tuple[list[SubmissionResult], set[frozenset[tuple[str, str]]]]:
    """Per assignment: the reference and stub + each alternative (independent solutions), a
    disguised copy of each, and two untouched stubs. Returns the results and the true pairs."""
    results, truth = [], set()
    for assignment in ASSIGNMENTS:
        stub = (REPO / "assignments" / assignment / f"{assignment}.py").read_text("utf-8")
        originals = {"reference": reference_text(assignment)}
        for path in sorted((REPO / "tests" / "alternatives" / assignment).glob("*.py")):
            originals[path.stem] = stub + "\n\n" + path.read_text("utf-8")
        for number, (name, source) in enumerate(sorted(originals.items())):
            results.append(_result(name, assignment, source))
            results.append(_result(f"copy_of_{name}", assignment, disguise(source, number)))
            truth.add(frozenset({(assignment, name), (assignment, f"copy_of_{name}")}))
        results.append(_result("stub_only", assignment, stub))
        results.append(_result("stub_reformatted", assignment, ast.unparse(ast.parse(stub))))
    return results, truth


def test_copies_are_found_and_independent_solutions_are_not() -> None:
    results, truth = _constructed_class()
    report = find_similar(results, COURSE)
    flagged = {
        frozenset({(p.assignment, p.first), (p.assignment, p.second)})
        for p in report.pairs
        if p.kind == "code"
    }
    hits = flagged & truth
    precision = len(hits) / max(len(flagged), 1)
    recall = len(hits) / len(truth)
    print(
        f"\nsimilarity: {len(truth)} copies, {len(flagged)} flagged, precision {precision:.2f}, recall {recall:.2f}"
    )
    assert recall == 1.0, f"missed copies: {sorted(map(sorted, truth - flagged))}"
    assert precision == 1.0, f"flagged independent pairs: {sorted(map(sorted, flagged - truth))}"
    stubs = {"stub_only", "stub_reformatted"}
    assert not any({p.first, p.second} & stubs for p in report.pairs)


def test_same_class_same_pairs_in_every_process(tmp_path: Path) -> None:
    """Fingerprints do not depend on Python's per-process string hashing."""
    script = (
        "import json, sys; from tests.test_similarity import _constructed_class; "
        "from harness.similarity import find_similar; from tests.support import COURSE; "
        "r = find_similar(_constructed_class()[0], COURSE); "
        "print(json.dumps([(p.first, p.second, p.shared_tokens) for p in r.pairs]))"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
        ).stdout
        for seed in ("1", "2")
    ]
    assert runs[0] == runs[1] and json.loads(runs[0])


def test_grade_similarity_writes_pairs_pages_and_the_overview_section(tmp_path: Path) -> None:
    from harness.cli import main

    results, _ = _constructed_class()
    out = tmp_path / "out"
    out.mkdir()
    with Gradebook(out / "gradebook.sqlite") as gradebook:
        for result in results:
            if result.assignment == ASSIGNMENTS[0]:
                gradebook.save(
                    SubmissionResult(
                        student=result.student,
                        assignment=result.assignment,
                        file=f"{result.student}/{result.assignment}.py",
                        file_sha256="0" * 64,
                        grader_sha256="0" * 64,
                        score=0,
                        max_score=1,
                        checks=[],
                        submitted=result.submitted,
                    )
                )
    assert main(["similarity", str(out), "--lang", "en"]) == 0
    stored = json.loads((out / "similarity.json").read_text())
    assert {(p["first"], p["second"]) for p in stored["pairs"]} == {
        ("copy_of_reference", "reference"),
        *{
            (f"copy_of_{p.stem}", p.stem)
            for p in (REPO / "tests" / "alternatives" / ASSIGNMENTS[0]).glob("*.py")
        },
    }
    page = (out / "report" / "similarity" / "pair-0001.html").read_text()
    assert page.count("<mark>") >= 2
    overview = (out / "report" / "index.html").read_text()
    assert "Similar submissions" in overview and "similarity/pair-0001.html" in overview
    assert sum(
        1 for _ in itertools.chain((out / "report" / "similarity").glob("pair-*.html"))
    ) == len(stored["pairs"])
