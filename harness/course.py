"""Where things are in a course folder, and which submissions a folder holds.

A course folder has ``graders/ID.py`` (what defines assignment ID), ``reference_solutions/ID.py``
and ``assignments/ID/``. A submissions folder holds one folder per student with files named
``ID.py`` or ``ID.ipynb``; anything else is listed as skipped, with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

SUBMISSION_SUFFIXES = (".py", ".ipynb")
STUDENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$")


class CourseError(Exception):
    """A problem with the course folder or the command line, explained in one sentence."""


@dataclass(frozen=True)
class Assignment:
    id: str
    grader_path: Path
    reference_path: Path
    folder: Path

    @property
    def stub_path(self) -> Path:
        return self.folder / f"{self.id}.py"

    @property
    def notebook_path(self) -> Path:
        return self.folder / f"{self.id}.ipynb"

    @property
    def public_checks_path(self) -> Path:
        return self.folder / "public_checks.py"


def find_course_root(start: Path | None = None) -> Path:
    """The folder holding ``graders/`` (searching upwards), else the harness's own checkout."""
    candidates = []
    if start is not None:
        candidates.append(start.resolve())
    candidates.append(Path.cwd().resolve())
    for candidate in candidates:
        for folder in (candidate, *candidate.parents):
            if (folder / "graders").is_dir() or (folder / "assignments").is_dir():
                return folder
    package_root = Path(__file__).resolve().parent.parent
    if (package_root / "graders").is_dir():
        return package_root
    raise CourseError(
        "no course folder found (a folder with graders/ or assignments/); use --course"
    )


#: what `grade import` leaves at the top of a submissions folder (not a submission)
IMPORT_MANIFEST = "import.json"


@dataclass
class Course:
    root: Path

    def assignments(self) -> dict[str, Assignment]:
        """Assignments with a grader (instructor) or a released public check file (student)."""
        found: dict[str, Assignment] = {}
        graders = self.root / "graders"
        if graders.is_dir():
            for path in sorted(graders.glob("*.py")):
                if path.stem.startswith("_"):
                    continue
                found[path.stem] = self._assignment(path.stem)
        released = self.root / "assignments"
        if released.is_dir():
            for folder in sorted(released.iterdir()):
                if (
                    folder.is_dir()
                    and (folder / "public_checks.py").exists()
                    and folder.name not in found
                ):
                    found[folder.name] = self._assignment(folder.name)
        return found

    def _assignment(self, assignment_id: str) -> Assignment:
        return Assignment(
            id=assignment_id,
            grader_path=self.root / "graders" / f"{assignment_id}.py",
            reference_path=self.root / "reference_solutions" / f"{assignment_id}.py",
            folder=self.root / "assignments" / assignment_id,
        )

    def assignment(self, assignment_id: str) -> Assignment:
        known = self.assignments()
        if assignment_id not in known:
            names = ", ".join(sorted(known)) or "none"
            raise CourseError(f"unknown assignment {assignment_id!r}; known assignments: {names}")
        return known[assignment_id]


@dataclass(frozen=True)
class SubmissionFile:
    student: str
    assignment: str
    path: Path
    relative: str

    @property
    def is_notebook(self) -> bool:
        return self.path.suffix == ".ipynb"


@dataclass
class Discovery:
    submissions: list[SubmissionFile] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def find_submissions(root: Path, known: set[str], only: set[str] | None = None) -> Discovery:
    """One folder per student; files ``ID.py``/``ID.ipynb``. Never modifies anything."""
    if not root.exists():
        raise CourseError(f"submissions folder {root} does not exist")
    if not root.is_dir():
        raise CourseError(f"{root} is not a folder (expected one folder per student inside it)")
    discovery = Discovery()
    for entry in sorted(root.iterdir()):
        relative = entry.name
        if entry.name.startswith(".") or entry.name == IMPORT_MANIFEST:
            continue
        if not entry.is_dir():
            discovery.skipped.append((relative, "not inside a student folder"))
            continue
        if not STUDENT_NAME.match(entry.name):
            discovery.skipped.append((relative, "student folder name has unsupported characters"))
            continue
        chosen: dict[str, Path] = {}
        # a .py file wins over a notebook of the same assignment
        for path in sorted(entry.iterdir(), key=lambda p: (p.stem, p.suffix != ".py", p.name)):
            rel = f"{entry.name}/{path.name}"
            if path.name.startswith(".") or path.name == "__pycache__":
                continue
            if path.is_dir() or path.suffix not in SUBMISSION_SUFFIXES:
                discovery.skipped.append((rel, "not a .py or .ipynb file"))
                continue
            if path.stem not in known:
                discovery.skipped.append((rel, f"no assignment is called {path.stem!r}"))
                continue
            if only is not None and path.stem not in only:
                continue
            if path.stem in chosen:
                discovery.skipped.append(
                    (rel, f"{chosen[path.stem].name} is graded instead (one file per assignment)")
                )
                continue
            chosen[path.stem] = path
        for assignment_id, path in sorted(chosen.items()):
            discovery.submissions.append(
                SubmissionFile(entry.name, assignment_id, path, f"{entry.name}/{path.name}")
            )
    return discovery
