"""Per-call time budgets derived from the reference solution's own time for the same call.

A fixed budget (20 s a call) lets a looping student cost 2 x 20 s per function. Instead the judge
grades the reference solution once as if it were a student (a *calibration*, cached with the
reference results), recording how long each call took; a student's call then gets
``factor`` times the reference's time for the same call, at least ``floor_s`` and at most the
grader's own setting. A correct but slower solution (within ``factor``) still passes; a loop is
stopped after a second or two.

"The same call" is the n-th call of the same function (or method) within the same check: checks
are deterministic, so a student who behaves like the reference makes the same calls in the same
order. A call the reference never made (a student whose wrong answer sent the check down another
path) is budgeted by the slowest reference call of that function in the check, else by the
grader's setting.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from pydantic import BaseModel, Field


class CallTimes(BaseModel):
    """What a calibration measured: per check, per call key, the seconds of each call in order."""

    fingerprint: str
    device: str
    checks: dict[str, dict[str, list[float]]] = Field(default_factory=dict)


class BudgetPolicy(BaseModel):
    """How a budget follows from the reference's time (a grader's ``GraderSettings`` sets it)."""

    factor: float = 20.0
    floor_s: float = 1.0


class DerivedBudget(BaseModel):
    """The budget of one call and where it came from (said to the student when it is hit)."""

    seconds: float
    reference_s: float
    factor: float
    floor_s: float


def call_key(request: dict[str, Any]) -> str | None:
    """The name under which a student's call is matched with the reference's, or None for
    requests that are not calls of student code (uploads, state reads, seeding)."""
    op, target = request.get("op"), request.get("target")
    if op == "call" and isinstance(target, tuple) and len(target) == 2 and target[0] == "module":
        return f"function:{target[1]}"
    if op == "call":
        return "object:__call__"  # a student object called (a model's forward)
    if op == "call_method":
        return f"method:{request.get('name')}"
    return None


class CallClock:
    """Counts a session's calls per check; records their times (calibration) or budgets them."""

    def __init__(self, times: CallTimes | None = None, policy: BudgetPolicy | None = None) -> None:
        self.times = times
        self.policy = policy or BudgetPolicy()
        self.recorded: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        self.check = ""
        self.counts: dict[str, int] = defaultdict(int)

    @classmethod
    def recording(cls) -> CallClock:
        return cls()

    def begin_check(self, check: str) -> None:
        self.check = check
        self.counts = defaultdict(int)

    def next_call(self, request: dict[str, Any]) -> tuple[str, int] | None:
        """The key and ordinal of a call about to be sent (None: not a call of student code)."""
        key = call_key(request)
        if key is None:
            return None
        ordinal = self.counts[key]
        self.counts[key] += 1
        return key, ordinal

    def budget(self, call: tuple[str, int], setting: float) -> DerivedBudget | None:
        """The derived budget of a call, or None where the setting applies (no reference time,
        or the derived budget would not be shorter)."""
        if self.times is None:
            return None
        key, ordinal = call
        seconds = self.times.checks.get(self.check, {}).get(key)
        if not seconds:
            return None
        reference_s = seconds[ordinal] if ordinal < len(seconds) else max(seconds)
        derived = max(self.policy.floor_s, self.policy.factor * reference_s)
        if derived >= setting:
            return None
        return DerivedBudget(
            seconds=math.ceil(derived * 10) / 10,  # tenths: what the student reads
            reference_s=reference_s,
            factor=self.policy.factor,
            floor_s=self.policy.floor_s,
        )

    def record(self, call: tuple[str, int], seconds: float) -> None:
        key, ordinal = call
        entries = self.recorded[self.check][key]
        entries.extend([0.0] * (ordinal + 1 - len(entries)))
        entries[ordinal] = seconds

    def measured(self, fingerprint: str, device: str) -> CallTimes:
        return CallTimes(
            fingerprint=fingerprint,
            device=device,
            checks={check: dict(keys) for check, keys in self.recorded.items()},
        )
