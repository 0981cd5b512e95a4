"""``grade import``: turn a Moodle or Canvas download into the folder that ``grade all`` reads.

The result is one folder per student holding ``ID.py`` or ``ID.ipynb`` (``ID`` an assignment of
the course), plus ``import.json`` (an :class:`ImportLog`): what went where, from which archive
entry, and what was skipped and why.

* **Moodle** (USP's e-Disciplinas), "Download all submissions": a folder per student named
  ``Full Name_12345_assignsubmission_file_/`` holding the student's files (or, without "download
  submissions in folders", flat entries ``Full Name_12345_assignsubmission_file_name.py``). The
  number is Moodle's participant id. ``assignsubmission_onlinetext_`` entries are skipped.
* **Canvas**, "Download Submissions": a flat zip of ``login_userid_submissionid_filename`` (late
  ones ``login_LATE_userid_submissionid_filename``); a resubmitted file carries ``-1``, ``-2``...
  before its extension.

Students are identified by the LMS id (the folder is that id), or by the ``student`` column of a
roster (:func:`read_lms_roster`: the roster of ``grade export`` plus a ``moodle_id`` column; Canvas
uses ``canvas_id``). A file's assignment is the assignment id its name contains (any case; spaces
and ``-`` count as ``_``), or ``--assignment``. When a student has several files for one
assignment, the latest wins: highest resubmission number (``-2``, `` (2)``), then highest
submission id, then latest time stamp in the zip; the others are listed.

Nothing is ever written from an entry's own path: targets are ``TO/STUDENT/ID.py`` built from
validated ids, entries with unsafe paths (``..``, absolute, drive letters), links or encryption are
refused, an existing file is kept unless ``force``, and writes are atomic.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import os
import re
import stat
import struct
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from harness.course import IMPORT_MANIFEST, STUDENT_NAME, SUBMISSION_SUFFIXES
from harness.exports import ROSTER_COLUMNS, RosterError
from harness.i18n import DEFAULT_LANGUAGE, Text
from harness.records import Localized
from harness.version import HARNESS_VERSION

LMS_KINDS = ("moodle", "canvas")
Lms = Literal["moodle", "canvas"]
MANIFEST_NAME = IMPORT_MANIFEST
#: Roster columns: those of ``grade export --roster`` plus ``moodle_id`` (Moodle's participant id).
LMS_ID_COLUMNS: dict[str, str] = {"moodle": "moodle_id", "canvas": "canvas_id"}
IMPORT_ROSTER_COLUMNS = (
    *ROSTER_COLUMNS,
    *(c for c in LMS_ID_COLUMNS.values() if c not in ROSTER_COLUMNS),
)
#: a submitted file larger than this is refused (a notebook with outputs is a few MB at most)
MAX_FILE_BYTES = 64 * 1024 * 1024

SkipKind = Literal[
    "unsafe-path",
    "link",
    "encrypted",
    "too-large",
    "unreadable",
    "os-metadata",
    "not-lms-layout",
    "online-text",
    "not-code",
    "no-assignment",
    "ambiguous-assignment",
    "other-assignment",
    "superseded",
    "kept",
    "unsafe-target",
]

_MOODLE_FOLDER = re.compile(r"^(?P<name>.*)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z0-9]+)_$")
_MOODLE_FLAT = re.compile(
    r"^(?P<name>.*)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z0-9]+)_(?P<file>.+)$"
)
_CANVAS = re.compile(
    r"^(?P<login>[^/]*?)_(?:(?P<late>LATE)_)?(?P<id>\d+)_(?P<submission>\d+)_(?P<file>.+)$"
)
_COPY_NUMBER = re.compile(r"^(?P<base>.*?)(?:-(?P<dash>\d{1,4})| ?\((?P<paren>\d{1,4})\))$")
_DRIVE = re.compile(r"^[A-Za-z]:")
_OS_METADATA = {"__MACOSX", ".DS_Store", "Thumbs.db", "desktop.ini"}
_UNICODE_PATH_EXTRA = 0x7075  # Info-ZIP Unicode Path Extra Field
#: skips that say nothing about the layout (a hint suggests the other LMS when only these occur)
_NOT_PARSED = {"not-lms-layout", "unsafe-path", "os-metadata", "link"}


class ImportInputError(Exception):
    """Bad input for the whole import (missing or non-zip archive, unknown assignment...)."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


# -- records (import.json) -------------------------------------------------------------------------


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ImportedFile(_Record):
    """One file written (or found already identical) in the submissions folder."""

    student: str = Field(description="student folder name (roster `student`, else the LMS id)")
    lms_id: str = Field(description="Moodle participant id or Canvas user id")
    name: str = Field(default="", description="the student's name or login as the archive gives it")
    assignment: str
    path: str = Field(description="where it went, relative to the submissions folder")
    entry: str = Field(description="archive entry it came from (decoded name)")
    late: bool = Field(default=False, description="Canvas marked the submission LATE")
    modified: str = Field(default="", description="time stamp of the entry in the zip")
    size: int
    sha256: str
    status: Literal["written", "replaced", "unchanged"]
    removed: list[str] = Field(
        default_factory=list,
        description="other files of the same assignment removed by --force (ID.py vs ID.ipynb)",
    )


class ImportSkip(_Record):
    """An archive entry (or a file of the submissions folder) left as it was, and why."""

    entry: str
    kind: SkipKind
    reason: str = Field(description="why, in the language of the run")
    reasons: Localized = Field(description="why, in every language")
    lms_id: str | None = None
    student: str | None = None
    assignment: str | None = None


class ImportManifest(_Record):
    """One run of ``grade import``."""

    lms: Lms
    archive: str
    archive_sha256: str
    imported_at: str
    harness_version: str
    assignment: str | None = Field(default=None, description="--assignment, when given")
    roster: str | None = None
    force: bool = False
    students: int = Field(default=0, description="students with at least one imported file")
    imported: list[ImportedFile] = Field(default_factory=list)
    skipped: list[ImportSkip] = Field(default_factory=list)
    unmatched: list[str] = Field(
        default_factory=list, description="LMS ids absent from the roster (folder = LMS id)"
    )


class ImportLog(_Record):
    """``import.json``: every import into this folder, oldest first."""

    imports: list[ImportManifest] = Field(default_factory=list)


# -- messages ----------------------------------------------------------------------------------------

ERR_NO_ARCHIVE = Text(en="archive {path} does not exist", pt="o arquivo {path} não existe")
ERR_NOT_FILE = Text(
    en="{path} is a folder, not a zip archive", pt="{path} é uma pasta, não um arquivo zip"
)
ERR_NOT_ZIP = Text(
    en="{path} is not a zip archive (download the submissions from {lms} as a .zip)",
    pt="{path} não é um arquivo zip (baixe as submissões do {lms} como .zip)",
)
ERR_BAD_ZIP = Text(
    en="{path} cannot be read as a zip archive: {detail}",
    pt="{path} não pode ser lido como arquivo zip: {detail}",
)
ERR_UNKNOWN_LMS = Text(
    en="unknown LMS {lms!r}; choose moodle or canvas",
    pt="LMS desconhecido {lms!r}; escolha moodle ou canvas",
)
ERR_UNKNOWN_ASSIGNMENT = Text(
    en="unknown assignment {assignment!r}; known assignments: {known}",
    pt="tarefa desconhecida {assignment!r}; tarefas conhecidas: {known}",
)
ERR_TO_NOT_FOLDER = Text(
    en="--to {path} exists and is not a folder", pt="--to {path} existe e não é uma pasta"
)
ERR_BAD_MANIFEST = Text(
    en="{path} is not an import manifest of this harness ({detail}); move it away and try again",
    pt="{path} não é um manifesto de importação deste corretor ({detail}); mova-o e tente de novo",
)

SKIP_TEXT: dict[str, Text] = {
    "unsafe-path": Text(
        en="refused: unsafe path in the archive (.., absolute or drive path); nothing written",
        pt="recusado: caminho inseguro no arquivo (.., absoluto ou com unidade); nada gravado",
    ),
    "link": Text(
        en="refused: a symbolic link, not a file", pt="recusado: link simbólico, não um arquivo"
    ),
    "encrypted": Text(en="encrypted entry", pt="entrada criptografada"),
    "too-large": Text(en="larger than {limit} MB", pt="maior que {limit} MB"),
    "unreadable": Text(
        en="cannot be read from the archive ({detail})",
        pt="não pode ser lido do arquivo ({detail})",
    ),
    "os-metadata": Text(
        en="operating-system metadata, not a submission",
        pt="metadados do sistema operacional, não uma submissão",
    ),
    "not-lms-layout": Text(
        en="not named like a {lms} submission ({expected})",
        pt="nome fora do padrão de submissão do {lms} ({expected})",
    ),
    "online-text-plugin": Text(
        en="online text submission ({plugin}), not a file to grade",
        pt="submissão de texto online ({plugin}), não um arquivo para corrigir",
    ),
    "not-code-plugin": Text(
        en="not a file submission ({plugin})",
        pt="não é uma submissão de arquivo ({plugin})",
    ),
    "not-code": Text(en="not a .py or .ipynb file", pt="não é um arquivo .py ou .ipynb"),
    "no-assignment": Text(
        en="the file name names no assignment ({known}); use --assignment",
        pt="o nome do arquivo não indica nenhuma tarefa ({known}); use --assignment",
    ),
    "ambiguous-assignment": Text(
        en="the file name names several assignments ({found}); use --assignment",
        pt="o nome do arquivo indica várias tarefas ({found}); use --assignment",
    ),
    "other-assignment": Text(
        en="the file name names {found}, not --assignment {assignment}",
        pt="o nome do arquivo indica {found}, não --assignment {assignment}",
    ),
    "superseded": Text(
        en="an older file of the same student and assignment ({winner} was imported)",
        pt="arquivo mais antigo do mesmo aluno e tarefa ({winner} foi importado)",
    ),
    "superseded-tie": Text(
        en="same student and assignment, and no way to tell which is later; {winner} was imported (.py before .ipynb, then by name)",
        pt="mesmo aluno e tarefa, sem como saber qual é mais recente; {winner} foi importado (.py antes de .ipynb, depois pelo nome)",
    ),
    "kept": Text(
        en="kept the existing {existing} (not the same content); use --force to replace it",
        pt="mantido o {existing} existente (conteúdo diferente); use --force para substituí-lo",
    ),
    "unsafe-target": Text(
        en="refused: {target} is a link or not a regular folder/file in --to",
        pt="recusado: {target} é um link ou não é uma pasta/arquivo comum em --to",
    ),
}

SUMMARY = Text(
    en="Imported {files} file(s) for {students} student(s) from {archive} ({lms}) into {to}{unchanged}.",
    pt="Importados {files} arquivo(s) de {students} aluno(s) de {archive} ({lms}) em {to}{unchanged}.",
)
SUMMARY_UNCHANGED = Text(
    en="; {count} already there, unchanged", pt="; {count} já estavam lá, sem mudança"
)
SUMMARY_REPLACED = Text(en="Replaced (--force): {paths}", pt="Substituídos (--force): {paths}")
SUMMARY_SKIPPED = Text(en="Skipped {count}:", pt="Ignorados {count}:")
SUMMARY_NONE_SKIPPED = Text(en="Skipped 0.", pt="Ignorados 0.")
SUMMARY_UNMATCHED = Text(
    en="Warning: {count} student(s) not in the roster, imported under their LMS id: {ids}",
    pt="Aviso: {count} aluno(s) fora do roster, importados com o id do LMS: {ids}",
)
SUMMARY_WRONG_LMS = Text(
    en="Hint: no entry is named like a {lms} submission; is this a {other} archive?",
    pt="Dica: nenhuma entrada tem nome de submissão do {lms}; seria um arquivo do {other}?",
)
SUMMARY_MANIFEST = Text(en="Manifest: {path}", pt="Manifesto: {path}")

EXPECTED_LAYOUT = {
    "moodle": "Full Name_12345_assignsubmission_file_/FILE",
    "canvas": "login_12345_67890_FILE",
}


# -- roster ------------------------------------------------------------------------------------------


def read_lms_roster(path: Path, lms: str) -> dict[str, str]:
    """LMS id -> student folder, from a roster CSV (header: some of :data:`IMPORT_ROSTER_COLUMNS`).

    ``student`` and the LMS's id column (``moodle_id`` or ``canvas_id``) are required; rows with an
    empty id are ignored (students not on that platform). Raises :class:`RosterError`.
    """
    column = LMS_ID_COLUMNS[lms]
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    if "student" not in header or column not in header:
        raise RosterError(
            f"the header must have 'student' (the submission folder name) and '{column}' (the {lms} id); columns: {', '.join(IMPORT_ROSTER_COLUMNS)}"
        )
    unknown = [h for h in header if h and h not in IMPORT_ROSTER_COLUMNS]
    if unknown:
        raise RosterError(
            f"unknown column(s) {', '.join(unknown)}; known: {', '.join(IMPORT_ROSTER_COLUMNS)}"
        )
    mapping: dict[str, str] = {}
    students: set[str] = set()
    for line, row in enumerate(reader, start=2):
        values = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        student, lms_id = values.get("student", ""), values.get(column, "")
        if not student:
            raise RosterError(f"line {line}: empty 'student'")
        if not STUDENT_NAME.match(student):
            raise RosterError(
                f"line {line}: student {student!r} cannot be a folder name (letters, digits and _ . @ + - only)"
            )
        if student in students:
            raise RosterError(f"line {line}: student {student!r} appears twice")
        students.add(student)
        if not lms_id:
            continue
        if lms_id in mapping:
            raise RosterError(f"line {line}: {column} {lms_id!r} appears twice")
        mapping[lms_id] = student
    return mapping


# -- reading the archive ---------------------------------------------------------------------------------


def _unicode_path_extra(info: zipfile.ZipInfo, raw: bytes) -> str | None:
    """The UTF-8 name of the Info-ZIP Unicode Path extra field, when present and current."""
    extra = info.extra
    i = 0
    while i + 4 <= len(extra):
        tag, size = struct.unpack("<HH", extra[i : i + 4])
        data = extra[i + 4 : i + 4 + size]
        i += 4 + size
        if tag != _UNICODE_PATH_EXTRA or len(data) < 5 or data[0] != 1:
            continue
        (crc,) = struct.unpack("<I", data[1:5])
        if crc != zlib.crc32(raw):
            return None  # the name was changed by a tool that ignored the extra field
        try:
            return data[5:].decode("utf-8")
        except UnicodeDecodeError:
            return None
    return None


def entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name, decoded: UTF-8 when flagged (or valid UTF-8), else code page 437, NFC."""
    name = info.filename
    if not info.flag_bits & 0x800:
        # zipfile decoded the raw bytes as cp437, which round-trips to the original bytes
        raw = name.encode("cp437")
        unicode_path = _unicode_path_extra(info, raw)
        if unicode_path is not None:
            name = unicode_path
        else:
            with contextlib.suppress(UnicodeDecodeError):
                name = raw.decode("utf-8")
    return unicodedata.normalize("NFC", name)


def _printable(name: str) -> str:
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in name)


def _unsafe(name: str) -> bool:
    path = name.replace("\\", "/")
    if path.startswith("/") or _DRIVE.match(path) or "\0" in path:
        return True
    return any(part == ".." for part in path.split("/"))


@dataclass
class _Candidate:
    info: zipfile.ZipInfo
    entry: str
    lms_id: str
    name: str
    filename: str
    late: bool = False
    submission: int = -1
    student: str = ""
    assignment: str = ""
    suffix: str = ""

    @property
    def copy_number(self) -> int:
        stem = PurePosixPath(self.filename).stem
        match = _COPY_NUMBER.match(stem)
        if not match:
            return 0
        return int(match.group("dash") or match.group("paren"))

    @property
    def modified(self) -> tuple[int, ...]:
        return tuple(self.info.date_time)

    def order(self) -> tuple:
        """Later is larger: resubmission number, submission id, zip time stamp."""
        return (self.copy_number, self.submission, self.modified)


def _modified_iso(info: zipfile.ZipInfo) -> str:
    try:
        return datetime(*info.date_time).isoformat()
    except ValueError:
        return ""


def assignment_in_name(filename: str, known: Iterable[str]) -> list[str]:
    """The assignment ids a file name contains (any case, spaces and - as _), longest match only."""
    stem = PurePosixPath(filename).stem
    text = re.sub(r"[\s\-]+", "_", unicodedata.normalize("NFC", stem).lower())
    found = [a for a in known if a.lower() in text]
    return sorted(a for a in found if not any(a != b and a.lower() in b.lower() for b in found))


# -- the import ------------------------------------------------------------------------------------------


class _Run:
    def __init__(self, lms: str, lang: str) -> None:
        self.lms = lms
        self.lang = lang
        self.skipped: list[ImportSkip] = []

    def skip(
        self,
        entry: str,
        kind: str,
        candidate: _Candidate | None = None,
        text_key: str | None = None,
        **values: object,
    ) -> None:
        text = SKIP_TEXT[text_key or kind].format(**values)
        self.skipped.append(
            ImportSkip(
                entry=_printable(entry),
                kind=kind,  # type: ignore[arg-type]
                reason=text.render(self.lang),
                reasons=Localized(**{"pt-BR": text.pt, "en": text.en}),
                lms_id=candidate.lms_id if candidate else None,
                student=(candidate.student or None) if candidate else None,
                assignment=(candidate.assignment or None) if candidate else None,
            )
        )


def _parse_moodle(entry: str) -> tuple[str, str, str, str] | None:
    """(participant id, name, plugin, file name) of a Moodle entry, else None."""
    parts = entry.split("/")
    for part in parts[:-1]:
        match = _MOODLE_FOLDER.match(part)
        if match:
            return match["id"], match["name"], match["plugin"], parts[-1]
    match = _MOODLE_FLAT.match(parts[-1])
    if match:
        return match["id"], match["name"], match["plugin"], match["file"]
    return None


def _candidate(run: _Run, info: zipfile.ZipInfo, entry: str) -> _Candidate | None:
    if run.lms == "moodle":
        parsed = _parse_moodle(entry)
        if parsed is None:
            run.skip(entry, "not-lms-layout", lms="Moodle", expected=EXPECTED_LAYOUT["moodle"])
            return None
        lms_id, name, plugin, filename = parsed
        candidate = _Candidate(info, entry, lms_id, name.strip(), filename)
        if plugin != "file":
            kind = "online-text" if plugin == "onlinetext" else "not-code"
            run.skip(
                entry,
                kind,
                candidate,
                text_key=f"{kind}-plugin",
                plugin=f"assignsubmission_{plugin}",
            )
            return None
        return candidate
    match = _CANVAS.match(entry.rsplit("/", 1)[-1])
    if match is None:
        run.skip(entry, "not-lms-layout", lms="Canvas", expected=EXPECTED_LAYOUT["canvas"])
        return None
    return _Candidate(
        info,
        entry,
        match["id"],
        match["login"],
        match["file"],
        late=bool(match["late"]),
        submission=int(match["submission"]),
    )


_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    ValueError,
    OSError,
    EOFError,
    NotImplementedError,
    RuntimeError,
)


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    chunks, total = [], 0
    with archive.open(info) as handle:
        while chunk := handle.read(1 << 20):
            total += len(chunk)
            if total > MAX_FILE_BYTES:
                raise ValueError(f"more than {MAX_FILE_BYTES // 2**20} MB")
            chunks.append(chunk)
    return b"".join(chunks)


def _write_bytes(path: Path, data: bytes) -> None:
    """Atomic write of ``path`` through a fresh temporary file in its folder (never follows a link)."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _load_log(path: Path) -> ImportLog:
    if not path.exists() and not path.is_symlink():
        return ImportLog()
    if path.is_symlink() or not path.is_file():
        raise ImportInputError(ERR_BAD_MANIFEST.format(path=path, detail="not a regular file"))
    try:
        return ImportLog.model_validate_json(path.read_bytes())
    except (ValidationError, ValueError) as exc:
        detail = str(exc).splitlines()[0]
        raise ImportInputError(ERR_BAD_MANIFEST.format(path=path, detail=detail)) from None


def _classify(
    run: _Run,
    info: zipfile.ZipInfo,
    known: list[str],
    assignment: str | None,
    roster: Mapping[str, str] | None,
) -> _Candidate | None:
    """The entry as a submitted file of (student, assignment), or None (listed as skipped)."""
    entry = entry_name(info)
    if _unsafe(entry):
        run.skip(entry, "unsafe-path")
        return None
    if info.is_dir() or entry.endswith("/"):
        return None
    parts = entry.split("/")
    if parts[0] in _OS_METADATA or parts[-1] in _OS_METADATA or parts[-1].startswith("._"):
        run.skip(entry, "os-metadata")
        return None
    if stat.S_ISLNK(info.external_attr >> 16):
        run.skip(entry, "link")
        return None
    candidate = _candidate(run, info, entry)
    if candidate is None:
        return None
    candidate.student = (roster or {}).get(candidate.lms_id, candidate.lms_id)
    if info.flag_bits & 0x1:
        run.skip(entry, "encrypted", candidate)
        return None
    if info.file_size > MAX_FILE_BYTES:
        run.skip(entry, "too-large", candidate, limit=MAX_FILE_BYTES // 2**20)
        return None
    candidate.suffix = PurePosixPath(candidate.filename).suffix.lower()
    if candidate.suffix not in SUBMISSION_SUFFIXES:
        run.skip(entry, "not-code", candidate)
        return None
    named = assignment_in_name(candidate.filename, known)
    if assignment is not None and named and assignment not in named:
        run.skip(
            entry, "other-assignment", candidate, found=", ".join(named), assignment=assignment
        )
        return None
    if assignment is None and len(named) > 1:
        run.skip(entry, "ambiguous-assignment", candidate, found=", ".join(named))
        return None
    if assignment is None and not named:
        run.skip(entry, "no-assignment", candidate, known=", ".join(known) or "-")
        return None
    candidate.assignment = assignment or named[0]
    return candidate


def _choose(
    run: _Run, zf: zipfile.ZipFile, candidates: list[_Candidate]
) -> tuple[_Candidate, bytes] | None:
    """The latest readable file of one student and assignment; the others are listed."""
    # latest first; on a full tie .py before .ipynb, then by name
    candidates = sorted(candidates, key=lambda c: (c.suffix != ".py", c.entry))
    candidates.sort(key=lambda c: c.order(), reverse=True)
    for i, candidate in enumerate(candidates):
        try:
            data = _read(zf, candidate.info)
        except _READ_ERRORS as exc:
            run.skip(candidate.entry, "unreadable", candidate, detail=exc)
            continue
        for other in candidates[i + 1 :]:
            tie = other.order() == candidate.order()
            run.skip(
                other.entry,
                "superseded",
                other,
                text_key="superseded-tie" if tie else "superseded",
                winner=_printable(candidate.entry),
            )
        return candidate, data
    return None


def import_archive(
    lms: str,
    archive: Path,
    to: Path,
    *,
    assignments: Iterable[str],
    roster: Mapping[str, str] | None = None,
    roster_path: Path | None = None,
    assignment: str | None = None,
    force: bool = False,
    lang: str = DEFAULT_LANGUAGE,
) -> ImportManifest:
    """Import ``archive`` (a Moodle or Canvas download) into ``to``; return what was done.

    ``assignments`` are the course's assignment ids; ``roster`` maps LMS ids to student folders
    (:func:`read_lms_roster`). Raises :class:`ImportInputError` on bad input, before writing.
    """
    known = sorted(set(assignments))
    if lms not in LMS_KINDS:
        raise ImportInputError(ERR_UNKNOWN_LMS.format(lms=lms))
    lms_label = "Moodle" if lms == "moodle" else "Canvas"
    if assignment is not None and assignment not in known:
        raise ImportInputError(
            ERR_UNKNOWN_ASSIGNMENT.format(assignment=assignment, known=", ".join(known) or "-")
        )
    if not archive.exists():
        raise ImportInputError(ERR_NO_ARCHIVE.format(path=archive))
    if archive.is_dir():
        raise ImportInputError(ERR_NOT_FILE.format(path=archive))
    if not zipfile.is_zipfile(archive):
        raise ImportInputError(ERR_NOT_ZIP.format(path=archive, lms=lms_label))
    if (to.exists() or to.is_symlink()) and not to.is_dir():
        raise ImportInputError(ERR_TO_NOT_FOLDER.format(path=to))
    manifest_path = to / MANIFEST_NAME
    log = _load_log(manifest_path)
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportInputError(ERR_BAD_ZIP.format(path=archive, detail=exc)) from None

    run = _Run(lms, lang)
    manifest = ImportManifest(
        lms=lms,  # type: ignore[arg-type]
        archive=str(archive.resolve()),
        archive_sha256=_sha256_file(archive),
        imported_at=datetime.now().astimezone().isoformat(timespec="seconds"),
        harness_version=HARNESS_VERSION,
        assignment=assignment,
        roster=str(roster_path) if roster_path else None,
        force=force,
    )
    with zf:
        groups: dict[tuple[str, str], list[_Candidate]] = {}
        for info in zf.infolist():
            candidate = _classify(run, info, known, assignment, roster)
            if candidate is not None:
                groups.setdefault((candidate.student, candidate.assignment), []).append(candidate)
        to.mkdir(parents=True, exist_ok=True)
        root = to.resolve()
        for _key, candidates in sorted(groups.items()):
            chosen = _choose(run, zf, candidates)
            if chosen is not None:
                _place(run, manifest, root, *chosen, force)

    manifest.skipped = run.skipped
    manifest.students = len({f.student for f in manifest.imported})
    if roster is not None:
        manifest.unmatched = sorted(
            {f.lms_id for f in manifest.imported if f.lms_id not in roster},
            key=lambda i: (len(i), i),
        )
    log.imports.append(manifest)
    _write_bytes(manifest_path, (log.model_dump_json(indent=2, by_alias=True) + "\n").encode())
    return manifest


def _place(
    run: _Run,
    manifest: ImportManifest,
    root: Path,
    candidate: _Candidate,
    data: bytes,
    force: bool,
) -> None:
    """Write ``data`` as ROOT/STUDENT/ASSIGNMENT.suffix unless that would overwrite or escape."""
    student, assignment_id = candidate.student, candidate.assignment
    if not STUDENT_NAME.match(student) or not STUDENT_NAME.match(assignment_id):
        run.skip(candidate.entry, "unsafe-target", candidate, target=f"{student}/{assignment_id}")
        return
    folder = root / student
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        run.skip(candidate.entry, "unsafe-target", candidate, target=student)
        return
    folder.mkdir(exist_ok=True)
    if folder.resolve().parent != root:
        run.skip(candidate.entry, "unsafe-target", candidate, target=student)
        return
    target = folder / f"{assignment_id}{candidate.suffix}"
    existing = [
        folder / f"{assignment_id}{s}"
        for s in SUBMISSION_SUFFIXES
        if (folder / f"{assignment_id}{s}").exists()
        or (folder / f"{assignment_id}{s}").is_symlink()
    ]
    for path in existing:
        if path.is_symlink() or not path.is_file():
            run.skip(candidate.entry, "unsafe-target", candidate, target=f"{student}/{path.name}")
            return
    sha = hashlib.sha256(data).hexdigest()
    relative = f"{student}/{target.name}"
    record = {
        "student": student,
        "lms_id": candidate.lms_id,
        "name": _printable(candidate.name),
        "assignment": assignment_id,
        "path": relative,
        "entry": _printable(candidate.entry),
        "late": candidate.late,
        "modified": _modified_iso(candidate.info),
        "size": len(data),
        "sha256": sha,
    }
    if existing == [target] and _sha256_file(target) == sha:
        manifest.imported.append(ImportedFile(**record, status="unchanged"))
        return
    if existing and not force:
        names = ", ".join(f"{student}/{p.name}" for p in existing)
        run.skip(candidate.entry, "kept", candidate, existing=names)
        return
    _write_bytes(target, data)
    removed = []
    for path in existing:
        if path != target:
            path.unlink()
            removed.append(f"{student}/{path.name}")
    status = "replaced" if existing else "written"
    manifest.imported.append(ImportedFile(**record, status=status, removed=removed))


def summary_lines(manifest: ImportManifest, to: Path, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """What ``grade import`` prints: one line of totals, then one line per skipped entry."""
    unchanged = sum(1 for f in manifest.imported if f.status == "unchanged")
    lines = [
        SUMMARY.format(
            files=len(manifest.imported),
            students=manifest.students,
            archive=Path(manifest.archive).name,
            lms=manifest.lms,
            to=to,
            unchanged=SUMMARY_UNCHANGED.format(count=unchanged) if unchanged else "",
        ).render(lang)
    ]
    replaced = [f.path for f in manifest.imported if f.status == "replaced"]
    if replaced:
        lines.append(SUMMARY_REPLACED.format(paths=", ".join(replaced)).render(lang))
    if manifest.skipped:
        lines.append(SUMMARY_SKIPPED.format(count=len(manifest.skipped)).render(lang))
        lines += [f"  {s.entry}: {s.reason}" for s in manifest.skipped]
    else:
        lines.append(SUMMARY_NONE_SKIPPED.render(lang))
    if manifest.unmatched:
        lines.append(
            SUMMARY_UNMATCHED.format(
                count=len(manifest.unmatched), ids=", ".join(manifest.unmatched)
            ).render(lang)
        )
    kinds = {s.kind for s in manifest.skipped}
    if not manifest.imported and "not-lms-layout" in kinds and kinds <= _NOT_PARSED:
        other = "Canvas" if manifest.lms == "moodle" else "Moodle"
        this = "Moodle" if manifest.lms == "moodle" else "Canvas"
        lines.append(SUMMARY_WRONG_LMS.format(lms=this, other=other).render(lang))
    lines.append(SUMMARY_MANIFEST.format(path=to / MANIFEST_NAME).render(lang))
    return lines
