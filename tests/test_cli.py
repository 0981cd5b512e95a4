"""The `grade` command: clear errors for bad input, and the whole path on a tiny class."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from harness.cli import exclusive_output, main
from harness.records import RESULTS_ADAPTER, results_schema
from tests.support import REPO, reference_text

STUB = REPO / "assignments" / "ch01_fundamentals" / "ch01_fundamentals.py"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def tiny_class(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("class")
    (root / "ana").mkdir()
    (root / "ana" / "ch01_fundamentals.py").write_text(reference_text("ch01_fundamentals"))
    (root / "ana" / "chapter9.py").write_text("x = 1\n")
    (root / "bia").mkdir()
    (root / "bia" / "ch01_fundamentals.py").write_text(STUB.read_text())
    (root / "caio").mkdir()
    (root / "caio" / "ch01_fundamentals.ipynb").write_text("{ this is not a notebook")
    (root / "loose_file.py").write_text("print('hi')\n")
    return root


def test_grade_all_writes_every_output_and_resumes(
    tiny_class: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = hashes(tiny_class)
    out = tmp_path / "out"
    code, _, stderr = run(
        capsys, "all", str(tiny_class), "--out", str(out), "--only", "ch01_fundamentals"
    )
    assert code == 0, stderr
    assert "isolation level" in stderr
    assert "skipped ana/chapter9.py: no assignment is called 'chapter9'" in stderr
    assert "skipped loose_file.py" in stderr
    for name in (
        "gradebook.sqlite",
        "results.json",
        "grades.csv",
        "run.json",
        "report/index.html",
        "report/ana/ch01_fundamentals.html",
        "report/caio/ch01_fundamentals.html",
    ):
        assert (out / name).exists(), name
    results = RESULTS_ADAPTER.validate_json((out / "results.json").read_bytes())
    by_student = {r.student: r for r in results}
    assert by_student["ana"].score == by_student["ana"].max_score > 0
    assert by_student["bia"].score == 0 and by_student["bia"].error is None
    assert (
        by_student["caio"].score == 0
        and "notebook could not be read" in by_student["caio"].errors.en
    )
    raw = json.loads((out / "results.json").read_text())
    assert set(raw[0]["checks"][0]) >= {
        "name",
        "exercise",
        "category",
        "points",
        "max_points",
        "passed",
        "message",
    }
    assert (
        "O notebook não pôde ser lido"
        in (out / "report" / "caio" / "ch01_fundamentals.html").read_text()
    )
    assert (
        (out / "grades.csv")
        .read_text()
        .splitlines()[0]
        .startswith("student,ch01_fundamentals_auto")
    )
    run_info = json.loads((out / "run.json").read_text())
    assert run_info["graded"] == 3 and run_info["isolation"]
    # rerun: nothing changed, nothing regraded
    code, _, stderr = run(
        capsys, "all", str(tiny_class), "--out", str(out), "--only", "ch01_fundamentals"
    )
    assert code == 0 and "graded 0, unchanged 3" in stderr
    assert hashes(tiny_class) == before  # submissions are never modified


def test_grade_all_refuses_a_second_run_on_the_same_output(
    tiny_class: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "busy"
    with exclusive_output(out):
        code, _, stderr = run(capsys, "all", str(tiny_class), "--out", str(out))
    assert code == 2 and "already writing to" in stderr


@pytest.mark.parametrize(
    "argv, message",
    [
        (["all", "/nonexistent/subs", "--out", "/tmp/x"], "does not exist"),
        (["all", str(STUB), "--out", "/tmp/x"], "is not a folder"),
        (
            ["all", str(REPO / "examples" / "submissions"), "--out", "/tmp/x", "--only", "ch99"],
            "unknown assignments: ch99",
        ),
        (["check", "ch01_fundamentals", "/nonexistent.py"], "does not exist"),
        (["check", "ch01_fundamentals", str(REPO / "README.md")], "not a .py or .ipynb"),
        (["check", "ch99_nothing", str(STUB)], "unknown assignment 'ch99_nothing'"),
        (["check", "ch01_fundamentals", str(STUB), "--lang", "fr"], "unknown language"),
        (["report", "/nonexistent/out"], "no gradebook.sqlite"),
        (["all", str(REPO), "--out", "/tmp/x", "--course", "/nonexistent"], "course folder"),
    ],
)
def test_bad_input_gets_one_clear_line_and_status_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, _, stderr = run(capsys, *argv)
    assert code == 2
    assert stderr.startswith("grade: error:") and message in stderr


def test_grade_check_exit_status_and_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    solution = tmp_path / "ch01_fundamentals.py"
    solution.write_text(reference_text("ch01_fundamentals"))
    code, stdout, _ = run(capsys, "check", "ch01_fundamentals", str(solution), "--lang", "en")
    assert code == 0 and "public checks passed" in stdout and "[FAIL]" not in stdout
    assert "Written answers still empty" not in stdout  # the reference holds model answers
    code, stdout, _ = run(capsys, "check", "ch01_fundamentals", str(STUB))
    assert code == 1 and "[FAIL]" in stdout and "ainda não foi implementada" in stdout
    assert "Respostas escritas ainda vazias" in stdout and "leakage_discussion (1.1)" in stdout
    broken = tmp_path / "broken.py"
    broken.write_text("def f(:\n")
    code, stdout, _ = run(capsys, "check", "ch01_fundamentals", str(broken), "--lang", "en")
    assert code == 1 and "SyntaxError at line 1" in stdout


def test_release_check_and_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(capsys, "release", "--check")
    assert code == 0, stdout
    code, stdout, _ = run(capsys, "schema")
    assert code == 0 and json.loads(stdout) == results_schema()


def test_documented_schema_is_current() -> None:
    documented = json.loads((REPO / "docs" / "results.schema.json").read_text())
    assert documented == results_schema(), (
        "regenerate with: grade schema > docs/results.schema.json"
    )


def test_readme_gives_the_two_commands_first() -> None:
    readme = (REPO / "README.md").read_text()
    commands = re.findall(r"^make (\w+)$", readme, flags=re.MULTILINE)
    assert commands[:2] == ["demo", "test"]
