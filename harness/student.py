"""``check("2.1")`` from inside a notebook: the public checks of one exercise, printed in the cell.

Every released notebook imports :func:`check` in its first code cell. It runs ``grade check`` on
the notebook as last saved (the same command, the same isolation and verdicts as in a terminal) in
a separate process and prints what it says. Inside the grader's own worker (when the notebook is
graded) it does nothing, so a ``check(...)`` line left in a submission costs nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["check"]

#: how the grader's worker announces itself (a check line left in a graded notebook is skipped)
WORKER_MODULE = "harness.sandbox.worker"


def check(
    exercise: str | None = None,
    *,
    notebook: str | os.PathLike[str] | None = None,
    assignment: str | None = None,
    lang: str | None = None,
) -> bool:
    """Run the public checks of ``exercise`` (all of them when None) on the saved notebook.

    The notebook is ``notebook``, else the one Jupyter names in ``JPY_SESSION_NAME``, else the only
    ``ASSIGNMENT.ipynb`` of the current folder. ``assignment`` defaults to the notebook's name.
    Returns True when every check run passed. Save the notebook first: the file is what is checked.
    """
    if WORKER_MODULE in sys.modules:
        return True
    path = _notebook_path(notebook, assignment)
    command = [sys.executable, "-m", "harness.cli", "check", assignment or path.stem, str(path)]
    if exercise is not None:
        command += ["--only", str(exercise)]
    if lang is not None:
        command += ["--lang", lang]
    completed = subprocess.run(command, capture_output=True, text=True, cwd=path.parent)
    print((completed.stdout + completed.stderr).rstrip())
    return completed.returncode == 0


def _notebook_path(notebook: str | os.PathLike[str] | None, assignment: str | None) -> Path:
    if notebook is not None:
        path = Path(notebook)
    elif os.environ.get("JPY_SESSION_NAME", "").endswith(".ipynb"):
        path = Path(os.environ["JPY_SESSION_NAME"])
    else:
        pattern = f"{assignment}.ipynb" if assignment else "*.ipynb"
        found = sorted(Path.cwd().glob(pattern))
        if len(found) != 1:
            raise FileNotFoundError(
                f"check(): found {len(found)} notebooks matching {pattern} in {Path.cwd()}; "
                "name yours with check('1.1', notebook='ch01_fundamentals.ipynb')"
            )
        path = found[0]
    if not path.is_file():
        raise FileNotFoundError(f"check(): {path} does not exist (save the notebook first)")
    return path.resolve()
