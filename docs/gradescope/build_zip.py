"""Build the zip to upload as a Gradescope autograder for one assignment.

    python docs/gradescope/build_zip.py ch01_fundamentals            # -> autograder-ch01_fundamentals.zip

The zip holds, at its root, Gradescope's ``setup.sh`` and ``run_autograder`` (from this folder),
an ``ASSIGNMENT`` file naming the assignment, and what the harness needs to grade: ``harness/``,
``templates/``, ``graders/``, ``reference_solutions/``, ``pyproject.toml``, ``requirements.lock``
and ``README.md``. It contains hidden checks and reference solutions: upload it to Gradescope only
(autograder files are never shown to students), never share it.
"""

from __future__ import annotations

import argparse
import stat
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
FOLDERS = ("harness", "templates", "graders", "reference_solutions")
FILES = ("pyproject.toml", "requirements.lock", "README.md")


def members(repo: Path) -> list[tuple[Path, str]]:
    found = []
    for folder in FOLDERS:
        for path in sorted((repo / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                found.append((path, path.relative_to(repo).as_posix()))
    found += [(repo / name, name) for name in FILES]
    return found


def build(assignment: str, out: Path, repo: Path = REPO) -> Path:
    if not (repo / "graders" / f"{assignment}.py").is_file():
        raise SystemExit(f"no grader graders/{assignment}.py in {repo}")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("setup.sh", "run_autograder"):
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            archive.writestr(info, (HERE / name).read_bytes(), zipfile.ZIP_DEFLATED)
        archive.writestr("ASSIGNMENT", assignment + "\n")
        for path, name in members(repo):
            archive.write(path, name)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment")
    parser.add_argument("--out", help="zip to write (default autograder-ASSIGNMENT.zip)")
    args = parser.parse_args()
    out = Path(args.out or f"autograder-{args.assignment}.zip")
    print(build(args.assignment, out))


if __name__ == "__main__":
    main()
