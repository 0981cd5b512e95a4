"""What a student's code can do to fail a check, as exceptions the judge raises and explains."""

from __future__ import annotations

import signal
from dataclasses import dataclass, field
from typing import Any

from harness import messages
from harness.i18n import Text


class SubmissionProblem(Exception):
    """The student's code failed a call; ``explain`` tells the student what happened."""

    #: after this, the worker is gone or unusable until the next check
    fatal = False
    #: which session it came from: "student", or "reference" (then it is the grader's fault)
    origin = "student"

    def explain(self) -> Text:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def __str__(self) -> str:
        return self.explain().en


@dataclass
class SourceLocator:
    """Maps line numbers of the file the worker imported back to what the student wrote."""

    cell_of_line: dict[int, tuple[int, int]] = field(default_factory=dict)

    def location(self, line: int) -> Text:
        if line in self.cell_of_line:
            cell, cell_line = self.cell_of_line[line]
            return messages.LOCATION_CELL.format(cell=cell, line=cell_line)
        return messages.LOCATION_LINE.format(line=line)

    def where(self, frames: list[dict[str, Any]]) -> Text:
        """The innermost frame of the student's own code, as ' (at line 12 ...: `code`)'."""
        if not frames:
            return Text.same("")
        frame = frames[-1]
        code = str(frame.get("code", ""))[:120]
        return messages.WHERE_LINE.format(
            location=self.location(int(frame.get("line", 0))), code=code
        )


class StudentRaised(SubmissionProblem):
    def __init__(self, call: str, error: dict[str, Any], locator: SourceLocator) -> None:
        super().__init__()
        self.call = call
        self.exc_type = str(error.get("type", "Exception"))
        mro = error.get("mro")
        self.exc_mro = [str(n) for n in mro] if isinstance(mro, list) else [self.exc_type]
        self.exc_message = str(error.get("message", ""))
        self.frames = list(error.get("frames", []))
        self.line = error.get("line") if type(error.get("line")) is int else None
        self.locator = locator

    def is_a(self, name: str) -> bool:
        """Whether the exception was a ``name`` (its class or a base class has that name)."""
        return name in self.exc_mro

    def explain(self) -> Text:
        return messages.CALL_RAISED.format(
            call=self.call,
            exc_type=self.exc_type,
            exc_message=self.exc_message,
            where=self.locator.where(self.frames),
        )


class NotImplementedYet(StudentRaised):
    def __init__(self, name: str, call: str, error: dict[str, Any], locator: SourceLocator) -> None:
        super().__init__(call, error, locator)
        self.name = name

    def explain(self) -> Text:
        return messages.CALL_NOT_IMPLEMENTED.format(name=f"`{self.name}`", call=self.call)


class StudentExited(StudentRaised):
    def explain(self) -> Text:
        return messages.CALL_EXITED.format(
            call=self.call, code=self.exc_message, where=self.locator.where(self.frames)
        )


class MissingName(SubmissionProblem):
    def __init__(self, name: str, on: str | None = None) -> None:
        super().__init__()
        self.name = name
        self.on = on

    def explain(self) -> Text:
        if self.on:
            return messages.MISSING_ATTRIBUTE.format(name=self.name, on=self.on)
        return messages.MISSING_NAME.format(name=self.name)


class NotCallable(SubmissionProblem):
    def __init__(self, name: str, detail: str) -> None:
        super().__init__()
        self.name = name
        self.detail = detail

    def explain(self) -> Text:
        return messages.NOT_CALLABLE.format(name=self.name, detail=self.detail)


class BadReply(SubmissionProblem):
    def __init__(self, call: str, detail: str) -> None:
        super().__init__()
        self.call = call
        self.detail = detail

    def explain(self) -> Text:
        return messages.BAD_REPLY.format(call=self.call, detail=self.detail)


def describe_exit(returncode: int | None) -> Text:
    """'exit status 3' or 'killed by signal SIGSEGV (a segmentation fault)'."""
    if returncode is None:
        return Text(en="no exit status", pt="sem código de saída")
    if returncode >= 0:
        return messages.EXIT_STATUS.format(code=returncode)
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = str(-returncode)
    text = messages.KILLED_BY_SIGNAL.format(signal=name)
    hint = messages.SIGNAL_HINTS.get(name)
    return text + Text.same(" (") + hint + Text.same(")") if hint else text


class WorkerDied(SubmissionProblem):
    fatal = True

    def __init__(self, call: str, reason: Text) -> None:
        super().__init__()
        self.call = call
        self.reason = reason

    def explain(self) -> Text:
        return messages.WORKER_DIED.format(call=self.call, reason=self.reason)


class CallTimedOut(SubmissionProblem):
    fatal = True

    def __init__(self, call: str, seconds: float) -> None:
        super().__init__()
        self.call = call
        self.seconds = seconds
        #: (factor, floor) when the limit was derived from the reference's time for the same call
        self.derived_from: tuple[float, float] | None = None

    def explain(self) -> Text:
        if self.derived_from is not None:
            factor, floor = self.derived_from
            return messages.CALL_TIMED_OUT_DERIVED.format(
                call=self.call, seconds=self.seconds, factor=factor, floor=floor
            )
        return messages.CALL_TIMED_OUT.format(call=self.call, seconds=self.seconds)


class FunctionGivenUp(SubmissionProblem):
    """A function that already timed out repeatedly in this submission is not called again."""

    def __init__(self, call: str, function: str, times: int) -> None:
        super().__init__()
        self.call = call
        self.function = function
        self.times = times

    def explain(self) -> Text:
        return messages.FUNCTION_GIVEN_UP.format(
            call=self.call, name=self.function, times=self.times
        )


class BudgetExhausted(SubmissionProblem):
    fatal = True

    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds

    def explain(self) -> Text:
        return messages.BUDGET_EXHAUSTED.format(seconds=self.seconds)


class ImportFailed(SubmissionProblem):
    """The submission could not be loaded at all; every check fails with this reason."""

    fatal = True

    def __init__(self, reason: Text) -> None:
        super().__init__()
        self.reason = reason

    def explain(self) -> Text:
        return self.reason


class ReferenceUnavailable(RuntimeError):
    """A check asked for the reference solution where there is none (public checks)."""
