"""Reference results computed once per assignment and argument set, shared by judge processes.

Values are stored as the reference worker's raw codec reply (what the judge would have read from
the pipe), keyed by the grader's fingerprint (grader + reference + harness version), the function,
the check's seed and a digest of the pickled arguments. SQLite in WAL mode lets the parallel judges
of one ``grade all`` (and later runs) share it; a changed grader or reference changes every key.
The same file keeps each grader version's calibration (the reference's time per call, from which
the students' call budgets are derived).
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from pathlib import Path


class ReferenceCache:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(
            str(path), timeout=30.0, isolation_level=None, check_same_thread=False
        )
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, payload BLOB NOT NULL)"
        )
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS call_times (fingerprint TEXT NOT NULL, device TEXT NOT NULL, "
            "payload TEXT NOT NULL, PRIMARY KEY (fingerprint, device))"
        )
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(fingerprint: str, function: str, seed: int, request: bytes) -> str:
        digest = hashlib.sha256()
        for part in (fingerprint.encode(), function.encode(), str(seed).encode(), request):
            digest.update(len(part).to_bytes(8, "little"))
            digest.update(part)
        return digest.hexdigest()

    def get(self, key: str) -> bytes | None:
        row = self.db.execute("SELECT payload FROM results WHERE key=?", (key,)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return bytes(row[0])

    def put(self, key: str, payload: bytes) -> None:
        with contextlib.suppress(sqlite3.Error):  # a cache: losing an entry costs a recomputation
            self.db.execute("INSERT OR IGNORE INTO results VALUES (?, ?)", (key, payload))

    def call_times(self, fingerprint: str, device: str) -> str | None:
        """A calibration's measured call times (JSON of ``CallTimes``), if one was stored."""
        row = self.db.execute(
            "SELECT payload FROM call_times WHERE fingerprint=? AND device=?", (fingerprint, device)
        ).fetchone()
        return None if row is None else str(row[0])

    def put_call_times(self, fingerprint: str, device: str, payload: str) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.execute(
                "INSERT OR REPLACE INTO call_times VALUES (?, ?, ?)", (fingerprint, device, payload)
            )

    def close(self) -> None:
        self.db.close()
