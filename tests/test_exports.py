"""`grade export`: Moodle and Canvas CSV, Gradescope results.json; `grade gradescope`."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import jsonschema
import pytest

from harness.cli import main
from harness.exports import (
    CANVAS_ID_COLUMNS,
    MOODLE_ID_COLUMNS,
    RosterError,
    canvas_csv,
    gradescope_result,
    gradescope_schema,
    moodle_csv,
    read_roster,
)
from harness.gradebook import Gradebook
from tests.review_support import (
    SECRET_MARKER,
    build_out,
    crafted_class,
    make_check,
    make_result,
    tiny_course,
)
from tests.support import REPO

ASSIGNMENTS = ["ch01_fundamentals", "ch02_feedforward"]


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def out(tmp_path: Path) -> Path:
    out = build_out(tmp_path / "out")
    with Gradebook(out / "gradebook.sqlite") as gradebook:
        gradebook.set_rubric("bia", "ch01_fundamentals", "essay", 1.5, "Boa, mas curta.", "Rita")
    return out


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(
        "student,name,email,sis_id,login,canvas_id,section\n"
        'ana,"Souza, Ana",ana@usp.br,1111,ana.souza,501,T1\n'
        'bia,"Lima, Bia",bia@usp.br,2222,,502,T2\n',
        encoding="utf-8",
    )
    return path


def test_moodle_csv_has_the_exact_header_and_one_row_per_student(out: Path) -> None:
    with Gradebook(out / "gradebook.sqlite") as gradebook:
        results = gradebook.results()
    table = rows(moodle_csv(results, lang="en"))
    assert table[0] == [
        "ID number",
        "Email address",
        "Full name",
        "ch01_fundamentals",
        "ch01_fundamentals (feedback)",
        "ch02_feedforward",
        "ch02_feedforward (feedback)",
    ]
    assert tuple(table[0][:3]) == MOODLE_ID_COLUMNS
    by_id = {row[0]: row for row in table[1:]}
    assert sorted(by_id) == ["ana", "bia", "caio", "duda", "eva"]
    bia = by_id["bia"]
    assert bia[3] == "5.5"  # 4 automatic + 1.5 rubric
    assert "Automatic checks: 4/6." in bia[4] and "Written parts: 1.5/2." in bia[4]
    assert "essay: Boa, mas curta." in bia[4] and "Not passed: check_a, check_c." in bia[4]
    assert bia[5] == "" and bia[6] == ""  # no ch02 submission
    assert "could not be loaded" in by_id["eva"][4]
    pt = rows(moodle_csv(results))
    assert "Verificações automáticas: 4/6." in {r[0]: r for r in pt}["bia"][4]


def test_canvas_csv_has_the_exact_header_and_points_possible(out: Path) -> None:
    with Gradebook(out / "gradebook.sqlite") as gradebook:
        results = gradebook.results()
    table = rows(canvas_csv(results))
    assert table[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *ASSIGNMENTS]
    assert tuple(table[0][:5]) == CANVAS_ID_COLUMNS
    assert table[1] == ["Points Possible", "", "", "", "", "8", "4"]
    by_student = {row[0]: row for row in table[2:]}
    assert by_student["bia"] == ["bia", "", "bia", "", "", "5.5", ""]
    assert by_student["ana"][5:] == ["4", "3"]


def test_a_roster_maps_folders_to_platform_ids(out: Path, roster: Path) -> None:
    with Gradebook(out / "gradebook.sqlite") as gradebook:
        results = gradebook.results()
    mapping = read_roster(roster)
    canvas = {row[0]: row for row in rows(canvas_csv(results, mapping))[2:]}
    assert canvas["Souza, Ana"][:5] == ["Souza, Ana", "501", "1111", "ana.souza", "T1"]
    assert canvas["Lima, Bia"][:5] == ["Lima, Bia", "502", "2222", "bia@usp.br", "T2"]
    assert canvas["caio"][:5] == ["caio", "", "caio", "", ""]  # not in the roster
    moodle = {row[0]: row for row in rows(moodle_csv(results, mapping))[1:]}
    assert moodle["1111"][:3] == ["1111", "ana@usp.br", "Souza, Ana"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,email\nAna,a@b\n", "'student' column"),
        ("student,phone\nana,123\n", "unknown column(s) phone"),
        ("student\nana\nana\n", "appears twice"),
        ("student,email\n,a@b\n", "empty 'student'"),
    ],
)
def test_a_bad_roster_is_explained(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(text)
    with pytest.raises(RosterError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_roster(path)


def test_gradescope_results_validate_against_the_schema() -> None:
    schema = gradescope_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    for result in crafted_class():
        data = gradescope_result(result, lang="en")
        jsonschema.validate(data, schema)
        assert data["score"] == pytest.approx(result.total_score)
        assert len(data["tests"]) == len(result.checks) + sum(
            r.points is not None for r in result.rubric
        )


def test_gradescope_visibility_and_content() -> None:
    result = make_result(
        "ana",
        checks=[
            make_check("check_public", "1.1", hidden=False),
            make_check("check_hidden", "1.2", passed=False, max_points=2),
        ],
    )
    result = result.model_copy(
        update={"rubric": [result.rubric[0].model_copy(update={"points": 2.0, "comment": "ok"})]}
    ).with_totals()
    data = gradescope_result(result, lang="pt-BR")
    tests = {t["name"]: t for t in data["tests"]}
    assert tests["check_public"]["visibility"] == "visible"
    assert tests["check_public"]["status"] == "passed" and tests["check_public"]["number"] == "1.1"
    hidden = tests["check_hidden"]
    assert hidden["visibility"] == "after_published" and hidden["score"] == 0
    assert hidden["output"] == "check_hidden falhou: obteve 3, esperado 4."
    assert tests["Parte escrita essay"]["score"] == 2.0
    assert data["score"] == 3.0 and data["stdout_visibility"] == "hidden"
    without = gradescope_result(result, include_rubric=False)
    assert without["score"] == 1.0 and len(without["tests"]) == 2


def test_documented_gradescope_schema_is_current() -> None:
    documented = json.loads((REPO / "docs" / "gradescope-results.schema.json").read_text())
    assert documented == gradescope_schema(), (
        "regenerate docs/gradescope-results.schema.json from harness.exports.gradescope_schema()"
    )


def test_grade_export_command(
    out: Path, roster: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(out), "--format", "moodle", "--lang", "en"]) == 0
    assert (out / "exports" / "moodle.csv").is_file()
    assert "moodle export: 1 file(s)" in capsys.readouterr().out
    dest = tmp_path / "canvas-import.csv"
    assert (
        main(
            ["export", str(out), "--format", "canvas", "--roster", str(roster), "--dest", str(dest)]
        )
        == 0
    )
    captured = capsys.readouterr()
    assert "3 aluno(s) fora do roster" in captured.err and "caio, duda, eva" in captured.err
    assert rows(dest.read_text())[0][:5] == list(CANVAS_ID_COLUMNS)
    assert main(["export", str(out), "--format", "gradescope"]) == 0
    files = sorted((out / "exports" / "gradescope").rglob("results.json"))
    assert len(files) == 6
    for path in files:
        jsonschema.validate(json.loads(path.read_text()), gradescope_schema())
    bad = tmp_path / "bad.csv"
    bad.write_text("nome\nana\n")
    assert main(["export", str(out), "--format", "canvas", "--roster", str(bad)]) == 2
    assert "'student'" in capsys.readouterr().err
    assert main(["export", str(tmp_path / "missing"), "--format", "moodle"]) == 2


@pytest.mark.slow
def test_grade_gradescope_grades_a_submission_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What run_autograder does inside Gradescope (docs/gradescope/)."""
    course = tiny_course(tmp_path / "course")
    autograder = tmp_path / "autograder"
    (autograder / "submission").mkdir(parents=True)
    (autograder / "submission" / "tiny.py").write_text("def double(x):\n    return abs(2 * x)\n")
    (autograder / "submission_metadata.json").write_text(
        json.dumps({"users": [{"email": "bia@usp.br", "name": "Bia", "id": 1}]})
    )
    results = autograder / "results" / "results.json"
    argv = ["gradescope", "--course", str(course), "--lang", "en"]
    argv += ["--submission", str(autograder / "submission"), "--results", str(results)]
    assert main(argv) == 0, capsys.readouterr().err
    assert "tiny: 1/3 points" in capsys.readouterr().out
    data = json.loads(results.read_text())
    jsonschema.validate(data, gradescope_schema())
    assert data["score"] == 1.0 and data["extra_data"]["student"] == "bia@usp.br"
    tests = {t["name"]: t for t in data["tests"]}
    assert tests["check_double_public"]["visibility"] == "visible"
    hidden = tests["check_double_negative_hidden"]
    assert hidden["visibility"] == "after_published" and hidden["status"] == "failed"
    assert hidden["output"] == "double(-3) should be -6, got 6."
    assert SECRET_MARKER not in results.read_text()
    # several candidate files: the assignment must be named
    (autograder / "submission" / "notes.py").write_text("x = 1\n")
    assert (
        main(
            [
                "gradescope",
                "--course",
                str(course),
                "--submission",
                str(autograder / "submission"),
                "--results",
                str(results),
                "--assignment",
                "nope",
            ]
        )
        == 2
    )
    assert "unknown assignment 'nope'" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert (
        main(
            [
                "gradescope",
                "--course",
                str(course),
                "--submission",
                str(empty),
                "--results",
                str(results),
                "--lang",
                "en",
            ]
        )
        == 2
    )
    assert "no gradable file" in capsys.readouterr().err


def test_gradescope_autograder_zip(tmp_path: Path) -> None:
    import importlib.util
    import zipfile

    spec = importlib.util.spec_from_file_location(
        "build_zip", REPO / "docs" / "gradescope" / "build_zip.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = module.build("ch01_fundamentals", tmp_path / "autograder.zip")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        assert {"setup.sh", "run_autograder", "ASSIGNMENT", "harness/cli.py"} <= names
        assert "graders/ch01_fundamentals.py" in names and "requirements.lock" in names
        assert not any(n.startswith(("tests/", "examples/", ".venv/")) for n in names)
        assert archive.read("ASSIGNMENT").decode().strip() == "ch01_fundamentals"
        mode = archive.getinfo("run_autograder").external_attr >> 16
        assert mode & 0o111  # executable
        script = archive.read("run_autograder").decode()
        assert "grade" in script and "/autograder/results/results.json" in script
