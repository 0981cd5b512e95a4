"""The worker seen from the judge: calls, deaths, timeouts, restarts, output capture, imports."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pytest
import torch

from harness.judge.session import OUTPUT_CAP_CHARS, Budgets, WorkerSession
from harness.notebook import PreparedSource
from harness.remote.errors import (
    BudgetExhausted,
    CallTimedOut,
    FunctionGivenUp,
    ImportFailed,
    MissingName,
    NotImplementedYet,
    StudentExited,
    StudentRaised,
    WorkerDied,
)
from harness.remote.handles import RemoteModule
from harness.sandbox.launcher import Launcher

SOURCE = """
import os, sys, time
import numpy as np
import torch

print("loaded")

def double(x):
    return x * 2

def pair(x):
    return x, {"n": len(x)}

def boom(x):
    raise ValueError(f"bad value {x}")

def todo():
    raise NotImplementedError

def leave():
    sys.exit(3)

def vanish():
    os._exit(0)

def segfault():
    import ctypes
    ctypes.string_at(0)

def spin():
    while True:
        pass

def chatty(n):
    sys.stdout.write("x" * n)
    os.write(1, b"\\x00\\xff raw bytes on fd 1\\n")
    print("to stderr", file=sys.stderr)
    return n

def model():
    return torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU())

def make_generator():
    return np.random.default_rng(0)

not_a_function = 42
"""


@pytest.fixture(scope="module")
def launcher() -> Iterator[Launcher]:
    shared = Launcher()
    yield shared
    shared.close()


@pytest.fixture
def session(launcher: Launcher) -> Iterator[WorkerSession]:
    with WorkerSession(PreparedSource(SOURCE), launcher, Budgets(call_s=3.0, import_s=20.0)) as s:
        s.start()
        yield s


def test_calls_return_plain_data_and_handles(session: WorkerSession) -> None:
    student = RemoteModule(session)
    session.begin_check(1)
    assert student.double(np.arange(3)).tolist() == [0, 2, 4]
    value, info = student.pair([1, 2, 3])
    assert value == [1, 2, 3] and info == {"n": 3}
    model = student.model()
    assert model.kind == "module"
    out = model(torch.ones(4, 3))
    assert out.shape == (4, 2)
    summary = model.summary()
    assert [m["type"].rsplit(".", 1)[-1] for m in summary["modules"]] == [
        "Sequential",
        "Linear",
        "ReLU",
    ]
    assert set(model.state_dict()) == {"0.weight", "0.bias"}
    assert student.make_generator().kind == "object"
    assert session.import_output.stdout == "loaded\n"


def test_student_exceptions_are_explained_with_the_line(session: WorkerSession) -> None:
    student = RemoteModule(session)
    session.begin_check(1)
    with pytest.raises(StudentRaised) as raised:
        student.boom(5)
    assert raised.value.exc_type == "ValueError" and raised.value.is_a("Exception")
    text = raised.value.explain().en
    line = SOURCE.splitlines().index('    raise ValueError(f"bad value {x}")') + 1
    assert "bad value 5" in text and f"line {line} " in text and "boom(5)" in text
    with pytest.raises(NotImplementedYet):
        student.todo()
    with pytest.raises(StudentExited):
        student.leave()
    with pytest.raises(MissingName):
        student.missing_function()
    # none of these killed the worker
    assert student.double(2) == 4


@pytest.mark.parametrize("name, reason", [("vanish", "exit status 0"), ("segfault", "SIGSEGV")])
def test_a_dying_worker_fails_the_check_and_the_next_check_gets_a_fresh_one(
    session: WorkerSession, name: str, reason: str
) -> None:
    student = RemoteModule(session)
    session.begin_check(1)
    first_pid = session.process.pid
    with pytest.raises(WorkerDied) as died:
        getattr(student, name)()
    assert reason in died.value.explain().en
    with pytest.raises(WorkerDied):  # the rest of that check fails fast
        student.double(1)
    session.end_check()
    session.begin_check(2)
    assert session.process.pid != first_pid
    assert student.double(21) == 42
    assert session.restarts == 1


def test_a_call_that_hangs_is_killed_at_its_budget(session: WorkerSession) -> None:
    student = RemoteModule(session)
    session.begin_check(1)
    started = time.monotonic()
    with pytest.raises(CallTimedOut) as timed_out:
        student.spin.with_timeout(1.0)()
    assert time.monotonic() - started < 3.0
    assert "1 s" in timed_out.value.explain().en
    session.end_check()
    session.begin_check(2)
    assert student.double(1) == 2


def test_a_function_that_keeps_hanging_is_given_up_after_two_timeouts(
    session: WorkerSession,
) -> None:
    student = RemoteModule(session)
    for seed in (1, 2):
        session.begin_check(seed)
        with pytest.raises(CallTimedOut):
            student.spin.with_timeout(0.5)()
        session.end_check()
    session.begin_check(3)
    started = time.monotonic()
    with pytest.raises(FunctionGivenUp):
        student.spin()
    assert time.monotonic() - started < 0.5
    assert student.double(3) == 6


def test_submission_budget_stops_further_checks(launcher: Launcher) -> None:
    with WorkerSession(
        PreparedSource(SOURCE), launcher, Budgets(call_s=5.0, submission_s=1.0)
    ) as session:
        student = RemoteModule(session)
        session.begin_check(1)
        with pytest.raises(CallTimedOut):
            student.spin()
        session.end_check()
        with pytest.raises(BudgetExhausted):
            session.begin_check(2)


def test_output_is_captured_per_check_and_capped(session: WorkerSession) -> None:
    student = RemoteModule(session)
    session.begin_check(1)
    assert student.chatty(10) == 10
    first = session.end_check()
    assert "xxxxxxxxxx" in first.stdout and "raw bytes on fd 1" in first.stdout
    assert first.stderr == "to stderr\n"
    session.begin_check(2)
    assert student.chatty(200_000) == 200_000
    second = session.end_check()
    assert len(second.stdout) <= OUTPUT_CAP_CHARS and second.truncated
    assert "x" * 10 not in first.stderr


def test_handles_die_with_their_worker(session: WorkerSession) -> None:
    student = RemoteModule(session)
    session.begin_check(1)
    model = student.model()
    with pytest.raises(WorkerDied):
        student.vanish()
    session.end_check()
    session.begin_check(2)
    with pytest.raises(RuntimeError, match="restarted"):
        model.state_dict()


@pytest.mark.parametrize(
    "source, expected",
    [
        ("def f(:\n    pass\n", "SyntaxError at line 1"),
        ("import sys\nsys.exit(0)\n", "SystemExit 0"),
        ("raise RuntimeError('no data file')\n", "RuntimeError while being loaded: no data file"),
        ("import os\nos._exit(1)\n", "exit status 1"),
        ("while True:\n    pass\n", "more than 2 s"),
    ],
)
def test_import_failures_fail_every_check_without_retrying(
    launcher: Launcher, source: str, expected: str
) -> None:
    with WorkerSession(PreparedSource(source), launcher, Budgets(import_s=2.0)) as session:
        with pytest.raises(ImportFailed) as failed:
            session.start()
        assert expected in failed.value.explain().en
        started = time.monotonic()
        with pytest.raises(ImportFailed):
            session.begin_check(1)
        assert time.monotonic() - started < 0.5  # remembered, not retried


def test_memory_limit_is_per_assignment(launcher: Launcher) -> None:
    from harness.sandbox.launcher import Limits

    source = "import numpy as np\ndef grab(mb):\n    return float(np.ones(mb * 1024 * 1024 // 8).sum())\n"
    with WorkerSession(
        PreparedSource(source), launcher, Budgets(), limits=Limits(memory_mb=1200)
    ) as session:
        student = RemoteModule(session)
        session.begin_check(1)
        assert student.grab(100) > 0
        with pytest.raises((StudentRaised, WorkerDied)) as failed:
            student.grab(1500)
        assert "MemoryError" in failed.value.explain().en or "SIGKILL" in failed.value.explain().en
