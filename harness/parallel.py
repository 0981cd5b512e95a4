"""Grading many submissions with N judge processes (``grade all -j N``).

Each judge process has its own warm zygote, its own reference workers and one torch thread; the
reference results they compute are shared through the on-disk cache, and so are the reference's
call times (budgets from the reference), measured for every assignment first, side by side. The
parent process keeps the gradebook: it receives each finished result and stores it in its own
transaction, so the outcome is the same as with ``-j 1`` whatever the order in which submissions
finish.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict
from pathlib import Path

from harness.course import Course, SubmissionFile
from harness.judge.runner import GraderIncident, Judge, JudgeOptions
from harness.records import SubmissionResult

_judge: Judge | None = None


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def one_torch_thread() -> None:
    """Every judge computes its side of the checks with one torch thread, as every worker does:
    the same float results whether one judge grades the class or N do (``-j``, ``--cluster``)."""
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # pragma: no cover
        pass


def _start_judge(course_root: str, options: JudgeOptions) -> None:
    """Initializer of a judge process: dies with the parent, one torch thread, its own judge."""
    import atexit

    from harness.sandbox.isolation import die_with_parent

    die_with_parent(None)
    one_torch_thread()
    global _judge
    _judge = Judge(Course(Path(course_root)), options)
    atexit.register(_judge.close)
    if _judge.launcher.start_mode != "zygote":  # say so: this judge pays a fresh start per worker
        print(
            f"grade all: judge process {os.getpid()}: worker start: {_judge.launcher.start_note}",
            file=sys.stderr,
        )


def _grade(submission: SubmissionFile) -> tuple[str, list[dict]]:
    assert _judge is not None
    result = _judge.grade(submission)
    incidents = [asdict(i) for i in _judge.incidents]
    _judge.incidents.clear()
    return result.model_dump_json(by_alias=True), incidents


def _calibrate(assignment: str) -> None:
    """Measure an assignment's reference call times now (budgets from the reference), so that
    the judges measure different assignments side by side instead of waiting for each other."""
    assert _judge is not None
    _judge.call_times(_judge.grader(assignment))


def grade_many(
    submissions: list[SubmissionFile], *, judge: Judge, jobs: int
) -> Iterator[tuple[SubmissionFile, SubmissionResult, list[GraderIncident]]]:
    """Yield each submission's result as soon as it is graded (in any order when jobs > 1)."""
    if jobs <= 1 or len(submissions) <= 1:
        for submission in submissions:
            before = len(judge.incidents)
            result = judge.grade(submission)
            yield submission, result, judge.incidents[before:]
        return
    options = JudgeOptions(**{**judge.options.__dict__, "isolation": judge.isolation})
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=min(jobs, len(submissions)),
        mp_context=context,
        initializer=_start_judge,
        initargs=(str(judge.course.root), options),
    )
    pending: dict[Future, SubmissionFile | None] = {}
    try:
        if options.derive_budgets:
            for assignment in dict.fromkeys(s.assignment for s in submissions):
                pending[pool.submit(_calibrate, assignment)] = None
        queue = list(submissions)
        while queue or pending:
            while queue and len(pending) < 2 * jobs:
                submission = queue.pop(0)
                pending[pool.submit(_grade, submission)] = submission
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                submission = pending.pop(future)
                if submission is None:  # a calibration; one that failed is retried by the grading
                    continue
                text, incidents = future.result()
                yield (
                    submission,
                    SubmissionResult.model_validate_json(text),
                    [GraderIncident(**i) for i in incidents],
                )
    finally:
        for process in list(getattr(pool, "_processes", {}).values()):
            if pending and process.is_alive():
                process.kill()
        pool.shutdown(wait=True, cancel_futures=True)
