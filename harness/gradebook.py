"""The gradebook: SQLite in WAL mode, one transaction per graded submission.

It stores records and knows nothing of grading. A ``grade all`` that is killed halfway leaves only
whole grades behind and resumes from them; rubric scores entered by TAs live in their own table, so
re-grading never touches them.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from harness.records import RubricResult, SubmissionResult

SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    student TEXT NOT NULL,
    assignment TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    grader_sha256 TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    graded_at TEXT NOT NULL,
    result_json TEXT NOT NULL,
    PRIMARY KEY (student, assignment)
);
CREATE TABLE IF NOT EXISTS rubric_scores (
    student TEXT NOT NULL,
    assignment TEXT NOT NULL,
    item TEXT NOT NULL,
    points REAL NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    reviewer TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (student, assignment, item)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


class RubricError(ValueError):
    """A rubric score that cannot be stored (unknown item, out of range); nothing is stored."""


class Gradebook:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), timeout=30.0, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Gradebook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    # -- automatic grades ----------------------------------------------------------------------------
    def save(self, result: SubmissionResult) -> None:
        """Store one graded submission atomically (replacing its previous grade)."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO submissions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    result.student,
                    result.assignment,
                    result.file_sha256,
                    result.grader_sha256,
                    result.score,
                    result.max_score,
                    result.graded_at,
                    result.model_dump_json(by_alias=True),
                ),
            )

    def is_current(
        self, student: str, assignment: str, file_sha256: str, grader_sha256: str
    ) -> bool:
        """Whether this exact file was already graded by this exact grader."""
        row = self.db.execute(
            "SELECT 1 FROM submissions WHERE student=? AND assignment=? AND file_sha256=? AND grader_sha256=?",
            (student, assignment, file_sha256, grader_sha256),
        ).fetchone()
        return row is not None

    def result(self, student: str, assignment: str) -> SubmissionResult | None:
        row = self.db.execute(
            "SELECT result_json FROM submissions WHERE student=? AND assignment=?",
            (student, assignment),
        ).fetchone()
        return self._merge(SubmissionResult.model_validate_json(row[0])) if row else None

    def results(self, *, files: bool = True) -> list[SubmissionResult]:
        """Every stored grade, with TA rubric scores merged in, ordered by student then assignment.

        ``files=False`` leaves the submitted files out (``submitted`` is None), which pages that
        list many submissions do not need.
        """
        column = "result_json" if files else "json_remove(result_json, '$.submitted')"
        rows = self.db.execute(
            f"SELECT {column} FROM submissions ORDER BY student, assignment"
        ).fetchall()
        return [self._merge(SubmissionResult.model_validate_json(row[0])) for row in rows]

    def remove(self, student: str, assignment: str) -> None:
        with self.transaction() as db:
            db.execute(
                "DELETE FROM submissions WHERE student=? AND assignment=?", (student, assignment)
            )

    # -- rubric ---------------------------------------------------------------------------------------
    def set_rubric(
        self,
        student: str,
        assignment: str,
        item: str,
        points: float,
        comment: str = "",
        reviewer: str | None = None,
    ) -> RubricResult:
        """Validate and store a TA's score; refuse (storing nothing) when it is out of range."""
        result = self.result(student, assignment)
        if result is None:
            raise RubricError(f"no graded submission for {student}/{assignment}")
        entry = next((r for r in result.rubric if r.name == item), None)
        if entry is None:
            known = ", ".join(r.name for r in result.rubric) or "none"
            raise RubricError(f"{assignment} has no rubric item {item!r} (items: {known})")
        if not isinstance(points, int | float) or points != points:
            raise RubricError("the score must be a number")
        if points < 0:
            raise RubricError(f"the score cannot be negative (got {points:g})")
        if points > entry.max_points:
            raise RubricError(
                f"the score {points:g} is above the maximum of {entry.max_points:g} for {item}"
            )
        if len(comment) > 10_000:
            raise RubricError("the comment is too long (10 000 characters at most)")
        now = _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO rubric_scores VALUES (?, ?, ?, ?, ?, ?, ?)",
                (student, assignment, item, float(points), comment, reviewer, now),
            )
        return entry.model_copy(
            update={
                "points": float(points),
                "comment": comment,
                "reviewer": reviewer,
                "updated_at": now,
            }
        )

    def _merge(self, result: SubmissionResult) -> SubmissionResult:
        rows = self.db.execute(
            "SELECT item, points, comment, reviewer, updated_at FROM rubric_scores WHERE student=? AND assignment=?",
            (result.student, result.assignment),
        ).fetchall()
        scores = {row[0]: row for row in rows}
        merged = []
        for entry in result.rubric:
            row = scores.get(entry.name)
            if row is not None:
                entry = entry.model_copy(
                    update={
                        "points": min(row[1], entry.max_points),
                        "comment": row[2],
                        "reviewer": row[3],
                        "updated_at": row[4],
                    }
                )
            merged.append(entry)
        return result.model_copy(update={"rubric": merged}).with_totals()

    # -- metadata ---------------------------------------------------------------------------------------
    def set_meta(self, key: str, value: object) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value)))

    def meta(self, key: str, default: object = None) -> object:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return json.loads(row[0]) if row else default
