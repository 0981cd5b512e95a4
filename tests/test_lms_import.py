"""`grade import`: Moodle and Canvas downloads become one folder per student, safely."""

from __future__ import annotations

import json
import stat
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from harness.cli import main
from harness.course import Course, find_submissions
from harness.lms_import import (
    MANIFEST_NAME,
    ImportInputError,
    ImportLog,
    assignment_in_name,
    import_archive,
    read_lms_roster,
)

REPO = Path(__file__).resolve().parent.parent
KNOWN = sorted(Course(REPO).assignments())
OLD = (2024, 3, 1, 10, 0, 0)
NEW = (2024, 3, 2, 10, 0, 0)


class RawName(zipfile.ZipInfo):
    """A zip entry whose name bytes are written as given, without the UTF-8 flag."""

    raw: bytes = b""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.raw, self.flag_bits


def entry(
    name: str,
    data: str | bytes,
    *,
    when: tuple[int, ...] = OLD,
    raw: bytes | None = None,
    extra: bytes = b"",
    link: bool = False,
) -> tuple[zipfile.ZipInfo, bytes]:
    if raw is not None:
        info: zipfile.ZipInfo = RawName(raw.decode("cp437"), date_time=when)
        info.raw = raw  # type: ignore[attr-defined]
    else:
        info = zipfile.ZipInfo(name, date_time=when)
    info.extra = extra
    info.compress_type = zipfile.ZIP_DEFLATED
    if link:
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, data.encode() if isinstance(data, str) else data


def make_zip(path: Path, entries: list[tuple[zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return path


def listing(root: Path, but: Path) -> list[str]:
    """Everything under root except what is inside ``but`` (the --to folder)."""
    return sorted(
        str(p.relative_to(root)) for p in root.rglob("*") if p != but and but not in p.parents
    )


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["import", *argv, "--course", str(REPO)])
    out, err = capsys.readouterr()
    return code, out, err


def log_of(to: Path) -> ImportLog:
    return ImportLog.model_validate_json((to / MANIFEST_NAME).read_bytes())


def skips(to: Path) -> dict[str, str]:
    """archive entry -> skip kind, for the latest import."""
    return {s.entry: s.kind for s in log_of(to).imports[-1].skipped}


MOODLE_FOLDER = "José da Silva_12345_assignsubmission_file_"


def moodle_archive(path: Path) -> Path:
    return make_zip(
        path,
        [
            # two files for one assignment: the later time stamp wins
            entry(f"{MOODLE_FOLDER}/ch01_fundamentals.py", "# old\n", when=OLD),
            entry(f"{MOODLE_FOLDER}/ch01 fundamentals final.py", "# new\n", when=NEW),
            entry(
                "Maria Conceição_23456_assignsubmission_file_/CH01_Fundamentals (1).ipynb",
                '{"cells": []}',
            ),
            entry("Maria Conceição_23456_assignsubmission_file_/ch02-feedforward.py", "# ch02\n"),
            entry("Maria Conceição_23456_assignsubmission_file_/relatório.pdf", b"%PDF-1.4"),
            entry("Pedro Alves_34567_assignsubmission_onlinetext_/onlinetext.html", "<p>oi</p>"),
            entry("Pedro Alves_34567_assignsubmission_file_/solution.py", "# which?\n"),
            # "download submissions in folders" off: flat names
            entry("Luís Gonçalves_56789_assignsubmission_file_ch04_deep_learning.ipynb", "{}"),
            # hostile or odd entries
            entry(f"../../{MOODLE_FOLDER}/ch03_hyperparameters.py", "# escape\n"),
            entry(f"/tmp/{MOODLE_FOLDER}/ch03_hyperparameters.py", "# absolute\n"),
            entry(f"..\\..\\{MOODLE_FOLDER}\\ch05_regularization.py", "# backslashes\n"),
            entry(f"C:/{MOODLE_FOLDER}/ch05_regularization.py", "# drive\n"),
            entry(
                "Ana Lima_45678_assignsubmission_file_/ch01_fundamentals.py",
                "/etc/passwd",
                link=True,
            ),
            entry("__MACOSX/._ch01_fundamentals.py", b"\0\5\26\7"),
            entry("leia-me.txt", "not a submission"),
        ],
    )


def test_moodle_archive_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = moodle_archive(tmp_path / "submissions.zip")
    to = tmp_path / "subs"
    before = listing(tmp_path, to)
    code, stdout, stderr = run(capsys, "moodle", str(archive), "--to", str(to), "--lang", "en")
    assert code == 0, stderr
    assert listing(tmp_path, to) == before  # nothing written outside --to
    written = sorted(str(p.relative_to(to)) for p in to.rglob("*") if p.is_file())
    assert written == [
        "12345/ch01_fundamentals.py",
        "23456/ch01_fundamentals.ipynb",
        "23456/ch02_feedforward.py",
        "56789/ch04_deep_learning.ipynb",
        MANIFEST_NAME,
    ]
    assert (to / "12345" / "ch01_fundamentals.py").read_text() == "# new\n"
    assert (to / "23456" / "ch01_fundamentals.ipynb").read_text() == '{"cells": []}'
    assert stdout.startswith("Imported 4 file(s) for 3 student(s) from submissions.zip (moodle)")
    kinds = skips(to)
    assert kinds == {
        f"{MOODLE_FOLDER}/ch01_fundamentals.py": "superseded",
        "Maria Conceição_23456_assignsubmission_file_/relatório.pdf": "not-code",
        "Pedro Alves_34567_assignsubmission_onlinetext_/onlinetext.html": "online-text",
        "Pedro Alves_34567_assignsubmission_file_/solution.py": "no-assignment",
        f"../../{MOODLE_FOLDER}/ch03_hyperparameters.py": "unsafe-path",
        f"/tmp/{MOODLE_FOLDER}/ch03_hyperparameters.py": "unsafe-path",
        f"..\\..\\{MOODLE_FOLDER}\\ch05_regularization.py": "unsafe-path",
        f"C:/{MOODLE_FOLDER}/ch05_regularization.py": "unsafe-path",
        "Ana Lima_45678_assignsubmission_file_/ch01_fundamentals.py": "link",
        "__MACOSX/._ch01_fundamentals.py": "os-metadata",
        "leia-me.txt": "not-lms-layout",
    }
    # one line per skipped entry, with its reason
    assert f"Skipped {len(kinds)}:" in stdout
    for name in kinds:
        assert sum(line.startswith(f"  {name}: ") for line in stdout.splitlines()) == 1, name
    assert "online text submission" in stdout and "use --assignment" in stdout
    assert "ch01 fundamentals final.py was imported" in stdout
    # the manifest says what went where, from which entry
    imported = {f.path: f for f in log_of(to).imports[-1].imported}
    assert (
        imported["12345/ch01_fundamentals.py"].entry
        == f"{MOODLE_FOLDER}/ch01 fundamentals final.py"
    )
    assert imported["12345/ch01_fundamentals.py"].name == "José da Silva"
    assert imported["12345/ch01_fundamentals.py"].lms_id == "12345"
    assert imported["56789/ch04_deep_learning.ipynb"].name == "Luís Gonçalves"
    raw = json.loads((to / MANIFEST_NAME).read_text())
    assert raw["imports"][0]["skipped"][0]["reasons"].keys() == {"pt-BR", "en"}
    # `grade all` finds exactly what was imported
    discovery = find_submissions(to, set(KNOWN))
    assert sorted(s.relative for s in discovery.submissions) == written[:-1]


def test_portuguese_summary_by_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = moodle_archive(tmp_path / "m.zip")
    code, stdout, _ = run(capsys, "moodle", str(archive), "--to", str(tmp_path / "subs"))
    assert code == 0
    assert stdout.startswith("Importados 4 arquivo(s) de 3 aluno(s)")
    assert "submissão de texto online" in stdout and "Manifesto:" in stdout


def _unicode_path_field(raw: bytes, name: str) -> bytes:
    data = b"\x01" + struct.pack("<I", zlib.crc32(raw)) + name.encode("utf-8")
    return struct.pack("<HH", 0x7075, len(data)) + data


def test_entry_names_in_every_encoding(tmp_path: Path) -> None:
    cp437 = "José Cp_101_assignsubmission_file_/ch01_fundamentals.py"
    utf8_unflagged = "Conceição Utf_102_assignsubmission_file_/ch01_fundamentals.py"
    utf8_flagged = "Ênio Flag_103_assignsubmission_file_/ch01_fundamentals.py"
    windows = "João Win_104_assignsubmission_file_/ch01_fundamentals.py"
    windows_raw = windows.encode("cp850")  # pt-BR Windows, with an Info-ZIP Unicode Path field
    archive = make_zip(
        tmp_path / "names.zip",
        [
            entry(cp437, "# 1\n", raw=cp437.encode("cp437")),
            entry(utf8_unflagged, "# 2\n", raw=utf8_unflagged.encode("utf-8")),
            entry(utf8_flagged, "# 3\n"),
            entry(
                windows, "# 4\n", raw=windows_raw, extra=_unicode_path_field(windows_raw, windows)
            ),
        ],
    )
    with zipfile.ZipFile(archive) as check:  # the test really builds unflagged names
        assert [i.flag_bits & 0x800 for i in check.infolist()] == [0, 0, 0x800, 0]
    to = tmp_path / "subs"
    manifest = import_archive("moodle", archive, to, assignments=KNOWN)
    assert {f.name: f.entry for f in manifest.imported} == {
        "José Cp": cp437,
        "Conceição Utf": utf8_unflagged,
        "Ênio Flag": utf8_flagged,
        "João Win": windows,
    }
    assert not manifest.skipped
    assert (to / "104" / "ch01_fundamentals.py").read_text() == "# 4\n"


def canvas_archive(path: Path) -> Path:
    return make_zip(
        path,
        [
            entry("silvajose_123_1001_ch01_fundamentals.py", "# v0\n", when=NEW),
            entry("silvajose_LATE_123_1002_ch01_fundamentals-1.py", "# v1\n", when=OLD),
            entry("silvajose_LATE_123_1003_ch01_fundamentals-2.py", "# v2\n", when=OLD),
            # no suffixes: the higher submission id wins over a later time stamp
            entry("souzamaria_456_2005_ch02_feedforward.ipynb", '{"v": 2005}', when=OLD),
            entry("souzamaria_456_2001_CH02_Feedforward.ipynb", '{"v": 2001}', when=NEW),
            entry("costaana_789_3001_Relatório final.pdf", b"%PDF"),
            entry("costaana_789_3002_answers.py", "# ?\n"),
            entry("costaana_LATE_789_3003_Ch05 Regularization.ipynb", "{}"),
            entry("readme.txt", "hello"),
            # would win (highest suffix) if it were not refused
            entry("../silvajose_123_9999_ch01_fundamentals-9.py", "# escape\n"),
        ],
    )


def test_canvas_late_names_and_resubmissions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = canvas_archive(tmp_path / "submissions.zip")
    to = tmp_path / "subs"
    before = listing(tmp_path, to)
    code, stdout, stderr = run(capsys, "canvas", str(archive), "--to", str(to), "--lang", "en")
    assert code == 0, stderr
    assert listing(tmp_path, to) == before
    assert (to / "123" / "ch01_fundamentals.py").read_text() == "# v2\n"
    assert json.loads((to / "456" / "ch02_feedforward.ipynb").read_text()) == {"v": 2005}
    assert (to / "789" / "ch05_regularization.ipynb").exists()
    assert not (tmp_path / "silvajose_123_9999_ch01_fundamentals-9.py").exists()
    assert stdout.startswith("Imported 3 file(s) for 3 student(s)")
    assert skips(to) == {
        "silvajose_123_1001_ch01_fundamentals.py": "superseded",
        "silvajose_LATE_123_1002_ch01_fundamentals-1.py": "superseded",
        "souzamaria_456_2001_CH02_Feedforward.ipynb": "superseded",
        "costaana_789_3001_Relatório final.pdf": "not-code",
        "costaana_789_3002_answers.py": "no-assignment",
        "readme.txt": "not-lms-layout",
        "../silvajose_123_9999_ch01_fundamentals-9.py": "unsafe-path",
    }
    imported = {f.path: f for f in log_of(to).imports[-1].imported}
    assert imported["123/ch01_fundamentals.py"].late
    assert imported["123/ch01_fundamentals.py"].name == "silvajose"
    assert not imported["456/ch02_feedforward.ipynb"].late
    assert imported["789/ch05_regularization.ipynb"].late


def test_a_moodle_archive_given_as_canvas_gets_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = make_zip(
        tmp_path / "m.zip",
        [entry(f"{MOODLE_FOLDER}/ch01_fundamentals.py", "x = 1\n")],
    )
    code, stdout, _ = run(
        capsys, "canvas", str(archive), "--to", str(tmp_path / "s"), "--lang", "en"
    )
    assert code == 0
    assert "Imported 0 file(s)" in stdout and "is this a Moodle archive?" in stdout


def write_roster(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


ROSTER = (
    "student,name,email,sis_id,moodle_id,canvas_id\n"
    "11111111,José da Silva,jose@usp.br,11111111,12345,123\n"
    '22222222,"Souza, Maria",maria@usp.br,22222222,99999,456\n'
)


def test_roster_maps_lms_ids_to_student_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = write_roster(tmp_path / "roster.csv", ROSTER)
    archive = moodle_archive(tmp_path / "m.zip")
    to = tmp_path / "subs"
    code, stdout, stderr = run(
        capsys, "moodle", str(archive), "--to", str(to), "--roster", str(roster), "--lang", "en"
    )
    assert code == 0, stderr
    assert (to / "11111111" / "ch01_fundamentals.py").read_text() == "# new\n"
    assert not (to / "12345").exists()
    # not in the roster: imported under the LMS id, with a warning
    assert (to / "23456" / "ch02_feedforward.py").exists()
    assert "2 student(s) not in the roster, imported under their LMS id: 23456, 56789" in stdout
    manifest = log_of(to).imports[-1]
    assert manifest.unmatched == ["23456", "56789"] and manifest.roster == str(roster)
    by_path = {f.path: f for f in manifest.imported}
    assert by_path["11111111/ch01_fundamentals.py"].lms_id == "12345"

    canvas_to = tmp_path / "canvas"
    code, stdout, _ = run(
        capsys,
        "canvas",
        str(canvas_archive(tmp_path / "c.zip")),
        "--to",
        str(canvas_to),
        "--roster",
        str(roster),
        "--lang",
        "en",
    )
    assert code == 0
    assert sorted(p.name for p in canvas_to.iterdir()) == [
        "11111111",
        "22222222",
        "789",
        MANIFEST_NAME,
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("student,canvas_id\n11111111,123\n", "'moodle_id'"),
        ("student,moodle_id\n../escape,12345\n", "cannot be a folder name"),
        ("student,moodle_id\na,1\nb,1\n", "moodle_id '1' appears twice"),
        ("student,moodle_id,shoe_size\na,1,42\n", "unknown column(s) shoe_size"),
    ],
)
def test_bad_roster_is_refused_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    roster = write_roster(tmp_path / "roster.csv", text)
    archive = moodle_archive(tmp_path / "m.zip")
    to = tmp_path / "subs"
    code, _, stderr = run(capsys, "moodle", str(archive), "--to", str(to), "--roster", str(roster))
    assert code == 2 and stderr.startswith("grade: error:") and message in stderr
    assert len(stderr.strip().splitlines()) == 1
    assert not to.exists()


def test_existing_files_are_kept_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    to = tmp_path / "subs"
    first = make_zip(
        tmp_path / "first.zip", [entry(f"{MOODLE_FOLDER}/ch01_fundamentals.py", "# 1\n")]
    )
    assert run(capsys, "moodle", str(first), "--to", str(to), "--lang", "en")[0] == 0
    # the same archive again: nothing to do
    code, stdout, _ = run(capsys, "moodle", str(first), "--to", str(to), "--lang", "en")
    assert code == 0 and "1 already there, unchanged" in stdout
    assert log_of(to).imports[-1].imported[0].status == "unchanged"
    # a new version: kept without --force
    second = make_zip(
        tmp_path / "second.zip", [entry(f"{MOODLE_FOLDER}/ch01_fundamentals.py", "# 2\n")]
    )
    code, stdout, _ = run(capsys, "moodle", str(second), "--to", str(to), "--lang", "en")
    assert code == 0 and "Imported 0 file(s)" in stdout
    assert "kept the existing 12345/ch01_fundamentals.py" in stdout and "--force" in stdout
    assert (to / "12345" / "ch01_fundamentals.py").read_text() == "# 1\n"
    assert skips(to) == {f"{MOODLE_FOLDER}/ch01_fundamentals.py": "kept"}
    # replaced with --force
    code, stdout, _ = run(capsys, "moodle", str(second), "--to", str(to), "--force", "--lang", "en")
    assert code == 0 and "Replaced (--force): 12345/ch01_fundamentals.py" in stdout
    assert (to / "12345" / "ch01_fundamentals.py").read_text() == "# 2\n"
    # a notebook now: the .py would be graded instead, so it counts as existing
    third = make_zip(
        tmp_path / "third.zip", [entry(f"{MOODLE_FOLDER}/ch01_fundamentals.ipynb", "{}")]
    )
    code, stdout, _ = run(capsys, "moodle", str(third), "--to", str(to), "--lang", "en")
    assert code == 0 and not (to / "12345" / "ch01_fundamentals.ipynb").exists()
    code, stdout, _ = run(capsys, "moodle", str(third), "--to", str(to), "--force", "--lang", "en")
    assert code == 0
    assert sorted(p.name for p in (to / "12345").iterdir()) == ["ch01_fundamentals.ipynb"]
    assert log_of(to).imports[-1].imported[0].removed == ["12345/ch01_fundamentals.py"]
    assert len(log_of(to).imports) == 6  # every run is in the manifest, oldest first
    assert not [p for p in to.rglob(".*")]  # no temporary file left behind


def test_assignment_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = make_zip(
        tmp_path / "c.zip",
        [
            entry("silvajose_123_1001_solution.py", "# a\n"),
            entry("costaana_789_3001_Lista 1 (entrega).ipynb", "{}"),
            entry("souzamaria_456_2001_ch02_feedforward.py", "# wrong assignment\n"),
        ],
    )
    to = tmp_path / "without"
    assert run(capsys, "canvas", str(archive), "--to", str(to))[0] == 0
    assert set(skips(to).values()) == {"no-assignment"} and len(skips(to)) == 2
    to = tmp_path / "with"
    code, stdout, _ = run(
        capsys,
        "canvas",
        str(archive),
        "--to",
        str(to),
        "--assignment",
        "ch01_fundamentals",
        "--lang",
        "en",
    )
    assert code == 0
    assert (to / "123" / "ch01_fundamentals.py").read_text() == "# a\n"
    assert (to / "789" / "ch01_fundamentals.ipynb").exists()
    assert skips(to) == {"souzamaria_456_2001_ch02_feedforward.py": "other-assignment"}
    assert "names ch02_feedforward, not --assignment ch01_fundamentals" in stdout
    assert log_of(to).imports[-1].assignment == "ch01_fundamentals"


def test_bad_input_gets_one_clear_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_zip = tmp_path / "submissions.zip"
    not_zip.write_text("this is not a zip file\n")
    good = moodle_archive(tmp_path / "good.zip")
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    bad_manifest = tmp_path / "bad_manifest"
    bad_manifest.mkdir()
    (bad_manifest / MANIFEST_NAME).write_text("{not json")
    cases = [
        (["moodle", str(tmp_path / "missing.zip"), "--to", str(tmp_path / "o1")], "does not exist"),
        (["moodle", str(not_zip), "--to", str(tmp_path / "o2")], "is not a zip archive"),
        (["canvas", str(tmp_path), "--to", str(tmp_path / "o3")], "is a folder, not a zip"),
        (["moodle", str(good), "--to", str(a_file)], "is not a folder"),
        (["moodle", str(good), "--to", str(bad_manifest)], "is not an import manifest"),
        (
            ["moodle", str(good), "--to", str(tmp_path / "o4"), "--assignment", "ch99"],
            "unknown assignment 'ch99'",
        ),
        (
            [
                "moodle",
                str(good),
                "--to",
                str(tmp_path / "o5"),
                "--roster",
                str(tmp_path / "no.csv"),
            ],
            "no.csv",
        ),
    ]
    before = listing(tmp_path, tmp_path / "nothing")
    for argv, message in cases:
        code, stdout, stderr = run(capsys, *argv, "--lang", "en")
        assert code == 2, argv
        assert stderr.startswith("grade: error:") and message in stderr, stderr
        assert len(stderr.strip().splitlines()) == 1 and not stdout
    assert listing(tmp_path, tmp_path / "nothing") == before  # nothing written anywhere
    with pytest.raises(SystemExit):
        main(["import", "blackboard", str(good), "--to", str(tmp_path / "o6")])
    capsys.readouterr()


def test_never_writes_through_a_link_in_the_destination(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    to = tmp_path / "subs"
    to.mkdir()
    (to / "12345").symlink_to(outside, target_is_directory=True)
    (to / "23456").mkdir()
    (to / "23456" / "ch02_feedforward.py").symlink_to(outside / "victim.py")
    archive = moodle_archive(tmp_path / "m.zip")
    manifest = import_archive("moodle", archive, to, assignments=KNOWN, force=True)
    assert list(outside.iterdir()) == []
    refused = {s.entry for s in manifest.skipped if s.kind == "unsafe-target"}
    assert refused == {
        f"{MOODLE_FOLDER}/ch01 fundamentals final.py",
        "Maria Conceição_23456_assignsubmission_file_/ch02-feedforward.py",
    }
    assert (to / "23456" / "ch01_fundamentals.ipynb").exists()


def test_module_api(tmp_path: Path) -> None:
    archive = canvas_archive(tmp_path / "c.zip")
    to = tmp_path / "subs"
    manifest = import_archive(
        "canvas", archive, to, assignments=KNOWN, roster={"123": "jose"}, lang="en"
    )
    assert manifest.lms == "canvas" and manifest.students == 3
    assert sorted(f.path for f in manifest.imported) == [
        "456/ch02_feedforward.ipynb",
        "789/ch05_regularization.ipynb",
        "jose/ch01_fundamentals.py",
    ]
    assert manifest.unmatched == ["456", "789"]
    assert all(len(f.sha256) == 64 and f.status == "written" for f in manifest.imported)
    assert log_of(to).imports == [manifest]
    with pytest.raises(ImportInputError, match="not a zip archive"):
        import_archive("canvas", to / MANIFEST_NAME, to, assignments=KNOWN)
    with pytest.raises(ImportInputError, match="unknown LMS"):
        import_archive("blackboard", archive, to, assignments=KNOWN)
    roster = write_roster(tmp_path / "r.csv", ROSTER)
    assert read_lms_roster(roster, "moodle") == {"12345": "11111111", "99999": "22222222"}
    assert read_lms_roster(roster, "canvas") == {"123": "11111111", "456": "22222222"}


@pytest.mark.parametrize(
    "filename, found",
    [
        ("CH01_Fundamentals (1).ipynb", ["ch01_fundamentals"]),
        ("ch01_fundamentals-2.py", ["ch01_fundamentals"]),
        ("Ch02 Feedforward - entrega.py", ["ch02_feedforward"]),
        ("lista1.py", []),
        ("ch01_fundamentals_e_ch02_feedforward.py", ["ch01_fundamentals", "ch02_feedforward"]),
    ],
)
def test_assignment_in_name(filename: str, found: list[str]) -> None:
    assert assignment_in_name(filename, KNOWN) == found


@pytest.mark.slow
def test_the_readme_path_from_lms_download_to_lms_upload(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The instructor's five commands (all but `grade serve`, which the serve tests drive)."""
    import csv

    reference = (REPO / "reference_solutions" / "ch01_fundamentals.py").read_text()
    stub = (REPO / "assignments" / "ch01_fundamentals" / "ch01_fundamentals.py").read_text()
    archive = make_zip(
        tmp_path / "lista1.zip",
        [
            entry("José da Silva_12345_assignsubmission_file_/ch01_fundamentals.py", reference),
            entry("Ana Souza_777_assignsubmission_file_/CH01_Fundamentals (1).py", stub),
        ],
    )
    roster = tmp_path / "roster.csv"
    roster.write_text("student,name,email,moodle_id\njsilva,José da Silva,j@usp.br,12345\n")
    subs, out = tmp_path / "subs", tmp_path / "out"
    code, _, _ = run(capsys, "moodle", str(archive), "--to", str(subs), "--roster", str(roster))
    assert code == 0
    assert main(["all", str(subs), "--out", str(out), "-j", "1", "--course", str(REPO)]) == 0
    assert main(["report", str(out)]) == 0
    assert main(["export", str(out), "--format", "moodle", "--roster", str(roster)]) == 0
    capsys.readouterr()
    rows = list(csv.DictReader((out / "exports" / "moodle.csv").open(encoding="utf-8")))
    by_email = {row.get("Email address", ""): row for row in rows}
    assert "j@usp.br" in by_email, rows
    assert len(rows) == 2
    assert float(by_email["j@usp.br"]["ch01_fundamentals"]) > 0  # the reference's automatic points
    assert float(by_email[""]["ch01_fundamentals"]) == 0  # the stub, imported under its Moodle id
