"""Files a run leaves in OUT: results.json, grades.csv, run.json and the HTML report.

All of them are derived from the gradebook and written atomically, so they can be regenerated at
any time (``grade report OUT``) and a crash never leaves a half-written file.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

from harness.records import RunInfo, SubmissionResult, results_json
from harness.report.render import render_report


def write_atomic(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    if isinstance(data, str):
        temporary.write_text(data, encoding="utf-8")
    else:
        temporary.write_bytes(data)
    os.replace(temporary, path)


def grades_csv(results: list[SubmissionResult]) -> str:
    """One row per student; per assignment the automatic, rubric and total points."""
    assignments = sorted({r.assignment for r in results})
    by_student: dict[str, dict[str, SubmissionResult]] = {}
    for r in results:
        by_student.setdefault(r.student, {})[r.assignment] = r
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    header = ["student"]
    for a in assignments:
        header += [f"{a}_auto", f"{a}_rubric", f"{a}_total", f"{a}_max"]
    writer.writerow([*header, "total", "max"])
    for student in sorted(by_student):
        row: list[object] = [student]
        total = maximum = 0.0
        for a in assignments:
            r = by_student[student].get(a)
            if r is None:
                row += ["", "", "", ""]
                continue
            row += [
                f"{r.score:g}",
                f"{r.rubric_score:g}",
                f"{r.total_score:g}",
                f"{r.total_max_score:g}",
            ]
            total += r.total_score
            maximum += r.total_max_score
        writer.writerow([*row, f"{total:g}", f"{maximum:g}"])
    return buffer.getvalue()


def write_outputs(
    results: list[SubmissionResult], out: Path, *, lang: str, run: RunInfo | None
) -> Path:
    """results.json, grades.csv, run.json and the report; returns the report's index path."""
    results = sorted(results, key=lambda r: (r.student, r.assignment))
    write_atomic(out / "results.json", results_json(results))
    write_atomic(out / "grades.csv", grades_csv(results))
    if run is not None:
        write_atomic(out / "run.json", run.model_dump_json(indent=2) + "\n")
    return render_report(results, out / "report", lang=lang, run=run)


def read_run_info(out: Path) -> RunInfo | None:
    path = out / "run.json"
    if not path.exists():
        return None
    try:
        return RunInfo.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, OSError):
        return None
