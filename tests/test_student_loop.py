"""The student's loop: `grade check --only`, `--watch`, and `check("2.1")` from a notebook."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from harness.check_command import CheckSession, UnknownExercise, watch
from harness.cli import main
from harness.release import make_notebook
from tests.support import COURSE, REPO, reference_text

ASSIGNMENT = "ch02_feedforward"
STUB = REPO / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.py"
ONE_CHECK_OF_2_1 = "2.1 check_power_mlp_output_shape_public"


def _function(source: str, name: str) -> str:
    """The text of one top-level function of ``source`` (solution markers included)."""
    import ast

    node = next(n for n in ast.parse(source).body if getattr(n, "name", None) == name)
    return "\n".join(source.splitlines()[node.lineno - 1 : node.end_lineno]) + "\n"


def test_only_runs_the_public_checks_of_one_exercise(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"{ASSIGNMENT}.py"
    path.write_text(reference_text(ASSIGNMENT))
    status = main(["check", ASSIGNMENT, str(path), "--only", "2.1", "--lang", "en"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert f"[PASS] {ONE_CHECK_OF_2_1}" in out
    assert "exercise 2.1" in out
    assert " 2.2 " not in out and "(2.3)" not in out  # nor other exercises' written answers


def test_only_an_exercise_without_public_checks_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["check", ASSIGNMENT, str(STUB), "--only", "9.9", "--lang", "en"])
    err = capsys.readouterr().err
    assert status == 2
    assert "no public checks for exercise 9.9" in err and "2.1, 2.2" in err


def test_watch_reruns_on_save_and_prints_only_what_changed(tmp_path: Path) -> None:
    path = tmp_path / f"{ASSIGNMENT}.py"
    path.write_text(STUB.read_text())
    solved = STUB.read_text() + "\n\n" + _function(reference_text(ASSIGNMENT), "make_power_mlp")
    lines: list[str] = []

    def emit(line: str) -> None:
        lines.append(line)
        if line.startswith("Watching"):  # the student saves the file with 2.1 solved
            path.write_text(solved)

    session = CheckSession(COURSE, ASSIGNMENT, path, "en", None)
    try:
        result = watch(session, emit, poll_s=0.05, rounds=1)
    finally:
        session.close()
    first_run = lines[: lines.index(next(x for x in lines if x.startswith("Watching")))]
    rerun = lines[lines.index(next(x for x in lines if "saved; what changed" in x)) :]
    assert any(f"[FAIL] {ONE_CHECK_OF_2_1}" in x for x in first_run)
    assert any(f"[PASS] {ONE_CHECK_OF_2_1}" in x for x in rerun)
    assert not any(" 2.2 " in x for x in rerun), rerun  # 2.2 did not change: not printed again
    assert rerun[-1].startswith("1 of ")  # the summary after every rerun
    assert any(c.passed for c in result.checks)


def test_unknown_exercise_is_refused_before_any_worker_starts() -> None:
    with pytest.raises(UnknownExercise, match=r"2\.1, 2\.2"):
        CheckSession(COURSE, ASSIGNMENT, STUB, "en", ["7.7"])


def _run_notebook(path: Path) -> list[str]:
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(
        nbformat.v4.new_code_cell('ok = check("2.1", lang="en")\nprint("RESULT", ok)')
    )
    nbformat.write(notebook, path)  # the check reads the notebook as saved
    NotebookClient(
        notebook,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    return [
        "".join(output.get("text", ""))
        for cell in notebook.cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream"
    ]


@pytest.mark.parametrize(
    ("source", "mark", "ok"),
    [("stub", "FAIL", False), ("reference", "PASS", True)],
)
def test_check_line_in_a_released_notebook_prints_the_verdict_in_the_cell(
    tmp_path: Path, source: str, mark: str, ok: bool
) -> None:
    text = STUB.read_text() if source == "stub" else reference_text(ASSIGNMENT)
    path = tmp_path / f"{ASSIGNMENT}.ipynb"
    path.write_text(make_notebook(text, ASSIGNMENT))
    first_code = next(c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code")
    assert "from harness.student import check" in "".join(first_code["source"])
    printed = "\n".join(_run_notebook(path))
    assert f"[{mark}] {ONE_CHECK_OF_2_1}" in printed, printed
    assert f"RESULT {ok}" in printed
    assert " 2.2 " not in printed
