"""Small gradebooks built from records (no grading), and a tiny course for the end-to-end tests.

Used by test_report, test_serve, test_exports and test_browser: crafted results are fast and let a
test say exactly which checks fail; the tiny course makes the one real `grade all` cheap.
"""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path

from harness.gradebook import Gradebook
from harness.records import (
    Artifact,
    CapturedOutput,
    CheckResult,
    Localized,
    RubricResult,
    SubmissionResult,
)


def loc(en: str, pt: str | None = None) -> Localized:
    return Localized(**{"pt-BR": pt if pt is not None else en, "en": en})


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    """A valid PNG (grey pixels) without importing matplotlib or PIL."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def png_artifact(title_en: str = "Student's figure", title_pt: str = "Figura do aluno") -> Artifact:
    return Artifact(
        kind="image/png",
        title=loc(title_en, title_pt),
        data_base64=base64.b64encode(tiny_png()).decode(),
    )


def table_artifact() -> Artifact:
    return Artifact(
        kind="table",
        title=loc("Accuracy per layer", "Acurácia por camada"),
        columns=["layer", "student", "reference"],
        rows=[["fc1", 0.91, 0.9], ["fc2", 0.5, None]],
    )


def make_check(
    name: str,
    exercise: str = "1.1",
    *,
    passed: bool = True,
    points: float | None = None,
    max_points: float = 1.0,
    hidden: bool = True,
    category: str = "correctness",
    en: str | None = None,
    pt: str | None = None,
    output: CapturedOutput | None = None,
    artifacts: list[Artifact] | None = None,
    grader_error: bool = False,
) -> CheckResult:
    if points is None:
        points = max_points if passed else 0.0
    en = en if en is not None else ("Passed." if passed else f"{name} failed: got 3, expected 4.")
    pt = (
        pt if pt is not None else ("Passou." if passed else f"{name} falhou: obteve 3, esperado 4.")
    )
    return CheckResult(
        name=name,
        exercise=exercise,
        category=category,  # type: ignore[arg-type]
        points=points,
        max_points=max_points,
        passed=passed,
        message=pt,
        messages=loc(en, pt),
        hidden=hidden,
        output=output,
        artifacts=artifacts or [],
        grader_error=grader_error,
    )


def make_rubric(
    name: str = "essay", exercise: str = "1.2", max_points: float = 2.0
) -> RubricResult:
    return RubricResult(
        name=name,
        exercise=exercise,
        max_points=max_points,
        prompt=loc("Explain the <result>.", "Explique o <resultado>."),
    )


def make_result(
    student: str,
    assignment: str = "ch01_fundamentals",
    checks: list[CheckResult] | None = None,
    *,
    rubric: list[RubricResult] | None = None,
    error: str | None = None,
) -> SubmissionResult:
    checks = checks if checks is not None else [make_check("check_a")]
    return SubmissionResult(
        student=student,
        assignment=assignment,
        file=f"{student}/{assignment}.py",
        file_sha256="0" * 64,
        grader_sha256="1" * 64,
        score=0.0,
        max_score=0.0,
        checks=checks,
        rubric=rubric if rubric is not None else [make_rubric()],
        error=error,
        errors=loc(error, f"PT: {error}") if error else None,
        graded_at="2026-01-01T00:00:00+00:00",
        isolation="rlimits",
        harness_version="test",
        duration_s=1.25,
    ).with_totals()


def crafted_class() -> list[SubmissionResult]:
    """Four loadable ch01 submissions with known failures, one unloadable one, one ch02.

    Failing (among loadable): check_a 3 of 4, check_c 2 of 4, check_b 1 of 4, check_d none;
    check_e errored in the grader for ana (not her failure).
    """

    def checks(fail: set[str], *, error_e: bool = False) -> list[CheckResult]:
        return [
            make_check(
                "check_a",
                "1.1",
                passed="check_a" not in fail,
                hidden=False,
                output=CapturedOutput(stdout="printed by the student\n"),
            ),
            make_check("check_b", "1.1", passed="check_b" not in fail, max_points=2.0),
            make_check(
                "check_c",
                "1.2",
                passed="check_c" not in fail,
                artifacts=[png_artifact(), table_artifact()],
            ),
            make_check("check_d", "1.10", passed=True),
            make_check("check_e", "1.2", passed=not error_e, grader_error=error_e),
        ]

    results = [
        make_result("ana", checks=checks({"check_a"}, error_e=True)),
        make_result("bia", checks=checks({"check_a", "check_c"})),
        make_result("caio", checks=checks({"check_a", "check_b", "check_c"})),
        make_result("duda", checks=checks(set())),
        make_result(
            "eva",
            checks=[
                make_check(n, passed=False, en="Not run, because your file could not be loaded.")
                for n in ("check_a", "check_b", "check_c", "check_d", "check_e")
            ],
            error="SyntaxError at line 3",
        ),
        make_result(
            "ana",
            "ch02_feedforward",
            checks=[make_check("check_mlp", "2.1", max_points=3.0)],
            rubric=[make_rubric("discussion", "2.3", 1.0)],
        ),
    ]
    return [r.with_totals() for r in results]


def build_out(out: Path, results: list[SubmissionResult] | None = None) -> Path:
    """OUT with a gradebook of crafted results and its static outputs, as `grade all` leaves it."""
    from harness.outputs import write_outputs

    results = results if results is not None else crafted_class()
    with Gradebook(out / "gradebook.sqlite") as gradebook:
        for r in results:
            gradebook.save(r)
        merged = gradebook.results()
    write_outputs(merged, out, lang="pt-BR", run=None)
    return out


# -- a tiny course: one assignment, a public and a hidden check, a rubric item --------------------

SECRET_MARKER = "SECRET_SOURCE_MARKER_7f3a"

TINY_GRADER = f'''"""A two-exercise grader for the report, serve and export tests."""

from harness.checks import CheckContext, Text, check, expect, rubric

ESSAY = rubric("1.2", "essay", 2, Text(en="Explain <why>.", pt="Explique <por quê>."))


@check("1.1", points=1, category="correctness", hidden=False)
def check_double_public(ctx: CheckContext) -> None:
    got = ctx.student.double(2)
    expect(got == 4, en="double(2) should be 4, got {{got}}.", pt="double(2) deveria ser 4, obteve {{got}}.", got=got)


# BEGIN HIDDEN
@check("1.2", points=2, category="correctness")
def check_double_negative_hidden(ctx: CheckContext) -> None:
    {SECRET_MARKER} = -3
    got = ctx.student.double({SECRET_MARKER})
    expect(got == -6, en="double(-3) should be -6, got {{got}}.", pt="double(-3) deveria ser -6, obteve {{got}}.", got=got)
# END HIDDEN
'''

TINY_REFERENCE = "def double(x):\n    return 2 * x\n"


def tiny_course(root: Path) -> Path:
    (root / "graders").mkdir(parents=True)
    (root / "reference_solutions").mkdir()
    (root / "graders" / "tiny.py").write_text(TINY_GRADER, encoding="utf-8")
    (root / "reference_solutions" / "tiny.py").write_text(TINY_REFERENCE, encoding="utf-8")
    return root


def tiny_class(root: Path) -> Path:
    (root / "ana").mkdir(parents=True)
    (root / "ana" / "tiny.py").write_text(
        'def double(x):\n    print("hello from ana")\n    return 2 * x\n', encoding="utf-8"
    )
    (root / "bia").mkdir()
    (root / "bia" / "tiny.py").write_text("def double(x):\n    return abs(2 * x)\n")
    return root


# -- written answers and submitted files -----------------------------------------------------------

BIA_PY = """def double(x):
    return 2 * x


# %% [markdown]
# ### Resposta / Answer: essay (1.2)
#
# Padronizar **antes** da divisão vaza estatísticas do teste.
#
# - item <script>alert("answer")</script> [site](javascript:alert(1))
"""

CAIO_PY = """def double(x):
    return x + x


# %% [markdown]
# ### Resposta / Answer: essay (1.2)
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
"""


def notebook_bytes(cells: list[dict]) -> bytes:
    import json

    for number, cell in enumerate(cells):
        cell.setdefault("id", f"c{number}")
        cell.setdefault("metadata", {})
        if cell["cell_type"] == "code":
            cell.setdefault("outputs", [])
            cell.setdefault("execution_count", None)
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    return json.dumps(notebook).encode()


def hostile_notebook() -> bytes:
    """A notebook trying everything a page must not do, with an answer for ``discussion`` (2.3)."""
    png = base64.b64encode(tiny_png()).decode()
    return notebook_bytes(
        [
            {
                "cell_type": "markdown",
                "source": '# Capítulo 2\n\n<script>alert("md")</script>\n\n'
                '[click](javascript:alert(2)) <a href="http://evil.example/">out</a> '
                '<img src="http://evil.example/t.png"> <form action="/x"><input name="token"></form>'
                ' <div id="rubric" class="alert skip" style="position:fixed;top:0">spoof</div>',
            },
            {
                "cell_type": "code",
                "execution_count": 1,
                "source": "import torch\nprint('x' * 10**6)",
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": "x" * 1_000_000},
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {
                            "application/javascript": "alert(3)",
                            "text/html": '<b onclick="alert(4)">bold</b><script>alert(5)</script>',
                            "text/plain": "bold",
                        },
                    },
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {"image/png": png, "text/plain": "<Figure>"},
                    },
                ],
            },
            {
                "cell_type": "markdown",
                "metadata": {"pcs5022": {"answer": "discussion"}},
                "source": "### Resposta / Answer: discussion (2.3)\n\nMemorizar rótulos aleatórios "
                "mostra **capacidade**, não generalização.\n\n<script>alert(6)</script>",
            },
            {"cell_type": "raw", "source": "<script>alert(7)</script>"},
        ]
    )


def written_class() -> list[SubmissionResult]:
    """crafted_class() as if the judge had read the files: answers, submitted files, line links.

    ch01 item ``essay`` (1.2): bia answered in her ``.py`` (and check_c names line 2), caio's slot
    is blank, duda's and eva's files have no slot (3 students left 1.2 blank), ana was graded
    before answers were read. ch02 (ana): a hostile notebook answering ``discussion``.
    """
    from harness.answers import submission_fields

    files = {
        ("bia", "ch01_fundamentals"): (BIA_PY.encode(), ".py"),
        ("caio", "ch01_fundamentals"): (CAIO_PY.encode(), ".py"),
        ("duda", "ch01_fundamentals"): (b"def double(x):\n    return 2 * x\n", ".py"),
        ("eva", "ch01_fundamentals"): (b"def double(x:\n    return 2 * x\n", ".py"),
        ("ana", "ch02_feedforward"): (hostile_notebook(), ".ipynb"),
    }
    results = []
    for result in crafted_class():
        found = files.get((result.student, result.assignment))
        if found is not None:
            raw, suffix = found
            update = submission_fields(raw, suffix, result.rubric)
            update["file"] = f"{result.student}/{result.assignment}{suffix}"
            result = result.model_copy(update=update)
        if result.student == "bia" and result.assignment == "ch01_fundamentals":
            checks = [
                c.model_copy(
                    update={
                        "messages": loc(
                            "check_c failed at line 2 (`return 2 * x`).",
                            "check_c falhou na linha 2 (`return 2 * x`).",
                        ),
                        "message": "check_c falhou na linha 2 (`return 2 * x`).",
                    }
                )
                if c.name == "check_c"
                else c
                for c in result.checks
            ]
            result = result.model_copy(update={"checks": checks})
        results.append(result.with_totals())
    return results
