"""Grading one submission: every check of its grader, each decided here in the judge.

The judge imports the grader (trusted) and talks to two workers: the student's, and the reference
solution's (one per assignment, shared by every submission of a run, with its results cached per
argument set). Student code never runs in this process.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import fcntl
import hashlib
import random
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import ValidationError

from harness import messages
from harness.answers import submission_fields
from harness.course import Course, SubmissionFile
from harness.i18n import DEFAULT_LANGUAGE, Text
from harness.imports import nested_imports
from harness.judge.call_budgets import BudgetPolicy, CallClock, CallTimes
from harness.judge.grader import Grader, load_grader
from harness.judge.reference_cache import ReferenceCache
from harness.judge.session import (
    Budgets,
    CapturedOutput,
    ResultCache,
    WorkerSession,
)
from harness.kit.context import CheckContext, running, stable_seed
from harness.kit.contract import return_checker
from harness.kit.spec import CheckFailed, CheckSpec, NotAssessed, Partial
from harness.notebook import SourceError, prepare_source, python_to_source
from harness.records import CapturedOutput as OutputRecord
from harness.records import CheckResult, Localized, RubricResult, SubmissionResult
from harness.remote.errors import ImportFailed, ReferenceUnavailable, SubmissionProblem
from harness.remote.handles import RemoteModule
from harness.sandbox.launcher import Launcher, Limits
from harness.version import HARNESS_VERSION

REFERENCE_CALL_TIMEOUT_S = 300.0


def localized(text: Text) -> Localized:
    return Localized(**{"pt-BR": text.pt, "en": text.en})


def now_iso() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


@dataclass
class GraderIncident:
    """A check that crashed on the judge's side: a bug in the grader, reported to the staff."""

    assignment: str
    student: str
    check: str
    detail: str


@dataclass
class JudgeOptions:
    lang: str = DEFAULT_LANGUAGE
    device: str = "cpu"
    public_only: bool = False
    limits: Limits = field(default_factory=Limits)
    #: where reference results are cached across judge processes and runs (None: memory only)
    cache_dir: Path | None = None
    isolation: str = "auto"
    #: per student, the exercises whose checks run (the others are reported as not run and count
    #: as passed for ``requires=``). For the grader tests only: a mutant that redefines a few
    #: functions is graded on the exercises that can reach them (tests/selection.py)
    exercise_filter: dict[str, frozenset[str]] | None = None
    #: per student, the checks that run (the same treatment for the others). For the grader
    #: tests only: a mutant's outcome is read on a few checks (tests/selection.py)
    check_filter: dict[str, frozenset[str]] | None = None
    #: budget each student call from the reference's time for the same call (``grade all``
    #: does; the reference is first graded once as a student to measure it, see call_budgets)
    derive_budgets: bool = False


class Judge:
    """Grades submissions of a course; keeps one reference worker per assignment."""

    def __init__(
        self, course: Course, options: JudgeOptions | None = None, launcher: Launcher | None = None
    ) -> None:
        self.course = course
        self.options = options or JudgeOptions()
        self.launcher = launcher or Launcher(
            self.options.limits, isolation=self.options.isolation, device=self.options.device
        )
        self._graders: dict[str, Grader] = {}
        self._references: dict[str, WorkerSession | None] = {}
        self._call_times: dict[str, CallTimes | None] = {}
        self._disk_cache = (
            ReferenceCache(self.options.cache_dir / "reference-results.sqlite")
            if self.options.cache_dir
            else None
        )
        self.incidents: list[GraderIncident] = []

    @property
    def isolation(self) -> str:
        return getattr(self.launcher, "isolation", "rlimits")

    # -- graders and references -------------------------------------------------------------------
    def grader(self, assignment_id: str) -> Grader:
        if assignment_id not in self._graders:
            assignment = self.course.assignment(assignment_id)
            self._graders[assignment_id] = load_grader(
                assignment, public_only=self.options.public_only
            )
        return self._graders[assignment_id]

    def reference(self, assignment_id: str) -> WorkerSession | None:
        if self.options.public_only:
            return None
        if assignment_id not in self._references:
            path = self.course.assignment(assignment_id).reference_path
            session = None
            if path.exists():
                grader = self.grader(assignment_id)
                budgets = Budgets(
                    import_s=max(grader.settings.import_timeout_s, 120.0),
                    call_s=REFERENCE_CALL_TIMEOUT_S,
                    check_s=float("inf"),
                    submission_s=float("inf"),
                )
                cache = ResultCache(grader.fingerprint, self._disk_cache)
                session = WorkerSession(
                    python_to_source(path.read_bytes()),
                    self.launcher,
                    budgets,
                    label="reference",
                    cache=cache,
                )
            self._references[assignment_id] = session
        return self._references[assignment_id]

    def call_times(self, grader: Grader) -> CallTimes | None:
        """The reference's measured time per call (None: budgets are the grader's settings)."""
        if (
            not self.options.derive_budgets
            or self.options.public_only
            or grader.settings.budget_factor <= 0
            or not self.course.assignment(grader.assignment).reference_path.exists()
        ):
            return None
        if grader.assignment not in self._call_times:
            self._call_times[grader.assignment] = self._stored_or_calibrated(grader)
        return self._call_times[grader.assignment]

    def _stored_or_calibrated(self, grader: Grader) -> CallTimes:
        """One calibration per grader version and device, shared by the judges of a run (and by
        later runs) through the cache; the other judges wait for the first one's."""
        disk, device = self._disk_cache, self.options.device
        if disk is None or self.options.cache_dir is None:
            return self._calibrate(grader)
        lock = self.options.cache_dir / f"calibration-{grader.fingerprint[:16]}.lock"
        with _exclusive(lock):
            stored = disk.call_times(grader.fingerprint, device)
            if stored is not None:
                with contextlib.suppress(ValidationError):
                    return CallTimes.model_validate_json(stored)
            times = self._calibrate(grader)
            disk.put_call_times(grader.fingerprint, device, times.model_dump_json())
            return times

    def _calibrate(self, grader: Grader) -> CallTimes:
        """Grade the reference solution as a student, recording how long each call takes."""
        clock = CallClock.recording()
        path = self.course.assignment(grader.assignment).reference_path
        self._grade_bytes(
            student="(calibration)",
            assignment_id=grader.assignment,
            relative=path.name,
            raw=path.read_bytes(),
            suffix=".py",
            clock=clock,
        )
        return clock.measured(grader.fingerprint, self.options.device)

    def close(self) -> None:
        for session in self._references.values():
            if session is not None:
                session.stop()
        self._references.clear()
        self.launcher.close()
        if self._disk_cache is not None:
            self._disk_cache.close()
            self._disk_cache = None

    def __enter__(self) -> Judge:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- grading ----------------------------------------------------------------------------------
    def grade(self, submission: SubmissionFile) -> SubmissionResult:
        raw = submission.path.read_bytes()
        return self.grade_bytes(
            student=submission.student,
            assignment_id=submission.assignment,
            relative=submission.relative,
            raw=raw,
            suffix=submission.path.suffix,
        )

    def grade_bytes(
        self, *, student: str, assignment_id: str, relative: str, raw: bytes, suffix: str
    ) -> SubmissionResult:
        clock = self._budget_clock(self.grader(assignment_id))
        return self._grade_bytes(
            student=student,
            assignment_id=assignment_id,
            relative=relative,
            raw=raw,
            suffix=suffix,
            clock=clock,
        )

    def _budget_clock(self, grader: Grader) -> CallClock | None:
        """What budgets a student's calls from the reference's times (None: fixed budgets)."""
        times = self.call_times(grader)
        if times is None:
            return None
        settings = grader.settings
        policy = BudgetPolicy(factor=settings.budget_factor, floor_s=settings.budget_floor_s)
        return CallClock(times, policy)

    def _grade_bytes(
        self,
        *,
        student: str,
        assignment_id: str,
        relative: str,
        raw: bytes,
        suffix: str,
        clock: CallClock | None,
    ) -> SubmissionResult:
        started = time.monotonic()
        grader = self.grader(assignment_id)
        base = {
            "student": student,
            "assignment": assignment_id,
            "file": relative,
            "file_sha256": hashlib.sha256(raw).hexdigest(),
            "grader_sha256": grader.fingerprint,
            "graded_at": now_iso(),
            "isolation": self.isolation,
            "harness_version": HARNESS_VERSION,
            "language": self.options.lang,
            "rubric": [self._rubric_entry(item) for item in grader.rubric],
        }
        # written answers and the file itself, read as data (never run) for the TA's page
        base.update(submission_fields(raw, suffix, base["rubric"]))
        try:
            source = prepare_source(Path(f"submission{suffix}"), raw)
        except SourceError as error:
            checks = [
                self._not_run(spec, messages.SKIPPED_AFTER_IMPORT_FAILURE) for spec in grader.checks
            ]
            return self._finish(base, checks, started, error=error.text)

        settings = grader.settings
        budgets = Budgets(
            import_s=settings.notebook_import_timeout_s
            if suffix == ".ipynb"
            else settings.import_timeout_s,
            call_s=settings.call_timeout_s,
            check_s=max(settings.call_timeout_s * 3, 60.0),
            submission_s=settings.submission_budget_s,
        )
        limits = dataclasses.replace(self.options.limits, memory_mb=settings.memory_mb)
        session = WorkerSession(
            source,
            self.launcher,
            budgets,
            label="student",
            limits=limits,
            clock=clock,
            preload=nested_imports(source.text),
        )
        import_error: ImportFailed | None = None
        try:
            try:
                session.start()
            except ImportFailed as failure:
                import_error = failure
            checks: list[CheckResult] = []
            passed: dict[str, bool] = {}
            selected = (self.options.exercise_filter or {}).get(student)
            chosen = (self.options.check_filter or {}).get(student)
            for spec in grader.checks:
                if (selected is not None and spec.exercise not in selected) or (
                    chosen is not None and spec.name not in chosen
                ):
                    checks.append(self._not_run(spec, messages.NOT_SELECTED))
                    passed[spec.name] = True
                    continue
                if import_error is not None:
                    result = self._not_run(spec, messages.SKIPPED_AFTER_IMPORT_FAILURE)
                elif (
                    failed := next((r for r in spec.requires if not passed[r]), None)
                ) is not None:
                    result = self._not_assessed(
                        self._run_check(grader, spec, session, student, feedback_only=True),
                        failed,
                    )
                else:
                    result = self._run_check(grader, spec, session, student)
                passed[spec.name] = result.passed
                checks.append(result)
        finally:
            session.stop()
        return self._finish(
            base,
            checks,
            started,
            error=import_error.explain() if import_error else None,
            import_output=session.import_output,
            cell_problems=session.cell_problems,
        )

    def _finish(
        self,
        base: dict[str, Any],
        checks: list[CheckResult],
        started: float,
        *,
        error: Text | None = None,
        import_output: CapturedOutput | None = None,
        cell_problems: list[Text] | None = None,
    ) -> SubmissionResult:
        result = SubmissionResult(
            **base,
            score=0.0,
            max_score=0.0,
            checks=checks,
            error=error.render(self.options.lang) if error else None,
            errors=localized(error) if error else None,
            import_output=_output_record(import_output),
            cell_problems=[localized(text) for text in cell_problems or []],
            duration_s=round(time.monotonic() - started, 3),
        )
        return result.with_totals()

    def _rubric_entry(self, item: Any) -> RubricResult:
        return RubricResult(
            name=item.name,
            exercise=item.exercise,
            max_points=item.points,
            prompt=localized(item.prompt),
        )

    def _not_run(self, spec: CheckSpec, text: Text) -> CheckResult:
        return self._record(spec, points=0.0, passed=False, text=text, duration=0.0)

    def _not_assessed(self, result: CheckResult, requirement: str) -> CheckResult:
        """A check whose requirement failed earns nothing; it was still run, so the student also
        reads what it found (a leak, a modified input) when its own property fails too."""
        text = NotAssessed(messages.REQUIREMENT_FAILED.format(check=requirement)).text
        if not result.passed and not result.grader_error:
            found = Text(en=result.messages.en, pt=result.messages.pt_BR)
            text = text + messages.ALSO_FOUND.format(found=found)
        return result.model_copy(
            update={
                "points": 0.0,
                "passed": False,
                "message": text.render(self.options.lang),
                "messages": localized(text),
            }
        )

    def _record(
        self,
        spec: CheckSpec,
        *,
        points: float,
        passed: bool,
        text: Text,
        duration: float,
        output: CapturedOutput | None = None,
        artifacts: list[Any] | None = None,
        grader_error: bool = False,
    ) -> CheckResult:
        return CheckResult(
            name=spec.name,
            exercise=spec.exercise,
            category=spec.category,  # type: ignore[arg-type]
            points=round(points, 6),
            max_points=spec.points,
            passed=passed,
            message=text.render(self.options.lang),
            messages=localized(text),
            title=localized(spec.title) if spec.title else None,
            hidden=spec.hidden,
            duration_s=round(duration, 3),
            output=_output_record(output),
            artifacts=artifacts or [],
            grader_error=grader_error,
        )

    def _run_check(
        self,
        grader: Grader,
        spec: CheckSpec,
        session: WorkerSession,
        student: str,
        *,
        feedback_only: bool = False,
    ) -> CheckResult:
        """Run one check. ``feedback_only``: its requirement failed, so it earns nothing and runs
        only to tell the student more; a crash of the check on inputs outside what it presupposes
        is then no grader bug (no incident, nothing more said)."""
        seed = stable_seed(grader.assignment, spec.name)
        reference = self.reference(grader.assignment)
        started = time.monotonic()
        ctx: CheckContext | None = None
        fraction, text, grader_error = 0.0, messages.PASSED, False
        try:
            session.begin_check(seed, call_timeout=spec.timeout, check=spec.name)
            if reference is not None:
                reference.begin_check(seed, lazy=True)
            _seed_judge(seed)
            ctx = CheckContext(
                student=RemoteModule(session, return_checker(grader.contract)),
                reference=RemoteModule(reference) if reference is not None else None,
                seed=seed,
                device=self.options.device,
                assignment=grader.assignment,
            )
            with running(ctx):
                outcome = spec(ctx)
            if isinstance(outcome, Partial):
                fraction = min(max(float(outcome.fraction), 0.0), 1.0)
                text = outcome.text
            else:
                fraction = 1.0
        except CheckFailed as failure:
            text = failure.text
        except SubmissionProblem as problem:
            if problem.origin == "reference":
                grader_error = True
                text = messages.GRADER_ERROR
                self._incident(
                    grader, spec, student, f"reference solution failed: {problem.explain().en}"
                )
            else:
                text = problem.explain()
        except (ReferenceUnavailable, Exception):
            if feedback_only:
                return self._record(spec, points=0.0, passed=True, text=messages.PASSED, duration=0)
            grader_error = True
            text = messages.GRADER_ERROR
            self._incident(grader, spec, student, traceback.format_exc())
        finally:
            output = session.end_check() if session.process is not None else session.output
            if reference is not None and reference.process is not None:
                reference.end_check()
        return self._record(
            spec,
            points=spec.points * fraction,
            passed=fraction >= 1.0,
            text=text,
            duration=time.monotonic() - started,
            output=output,
            artifacts=ctx.artifacts if ctx is not None else [],
            grader_error=grader_error,
        )

    def _incident(self, grader: Grader, spec: CheckSpec, student: str, detail: str) -> None:
        self.incidents.append(GraderIncident(grader.assignment, student, spec.name, detail))


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``path`` (created if missing) for the duration of the block."""
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _seed_judge(seed: int) -> None:
    """Judge-side randomness (data a check generates) depends only on the check's name."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    try:
        import torch

        torch.manual_seed(seed)
    except ImportError:  # pragma: no cover
        pass


def _output_record(output: CapturedOutput | None) -> OutputRecord | None:
    if output is None or (not output.stdout and not output.stderr):
        return None
    return OutputRecord(stdout=output.stdout, stderr=output.stderr, truncated=output.truncated)


def grade_source_text(
    judge: Judge, assignment_id: str, text: str, student: str = "student"
) -> SubmissionResult:
    """Grade Python source given as text (tests and `grade check` use this)."""
    return judge.grade_bytes(
        student=student,
        assignment_id=assignment_id,
        relative=f"{student}/{assignment_id}.py",
        raw=text.encode(),
        suffix=".py",
    )


__all__ = ["GraderIncident", "Judge", "JudgeOptions", "grade_source_text"]
