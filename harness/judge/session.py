"""One worker process seen from the judge: requests with deadlines, death, restarts, output.

A :class:`WorkerSession` owns the (possibly restarted) worker that has imported one submission, or
the reference solution. Every request has a wall-clock deadline; when it expires, or when the
worker dies, the whole worker is killed, the current check fails with a plain-words reason and the
next check gets a fresh worker. A submission that cannot even be imported fails every check with
the import reason, without being retried.
"""

from __future__ import annotations

import contextlib
import os
import select
import struct
import time
from dataclasses import dataclass
from typing import Any

from harness import messages, protocol
from harness.i18n import Text
from harness.judge.call_budgets import CallClock
from harness.judge.reference_cache import ReferenceCache
from harness.notebook import PreparedSource
from harness.remote.errors import (
    BadReply,
    BudgetExhausted,
    CallTimedOut,
    FunctionGivenUp,
    ImportFailed,
    MissingName,
    NotCallable,
    NotImplementedYet,
    StudentExited,
    StudentRaised,
    SubmissionProblem,
    WorkerDied,
    describe_exit,
)
from harness.remote.handles import RemoteObject, contains_handle
from harness.sandbox.launcher import Launcher, Limits, WorkerProcess

OUTPUT_CAP_CHARS = 64 * 1024
MAX_TIMEOUTS_PER_FUNCTION = 2
WORKER_START_TIMEOUT_S = 120.0
#: notebook cells reported one by one; beyond this, one line counts the rest
MAX_CELL_NOTICES = 10


def _function_name(request: dict[str, Any]) -> str | None:
    target = request.get("target")
    if (
        request.get("op") == "call"
        and isinstance(target, tuple)
        and len(target) == 2
        and target[0] == "module"
    ):
        return str(target[1])
    return None


def _no_handles(info: protocol.HandleInfo) -> Any:
    raise protocol.CodecError("a cached result cannot hold handles")


class ResultCache:
    """Reference results by (function, check seed, arguments): in memory, optionally on disk."""

    def __init__(
        self, fingerprint: str, disk: ReferenceCache | None = None, memory_limit: int = 256 << 20
    ) -> None:
        self.fingerprint = fingerprint
        self.disk = disk
        self.memory: dict[str, bytes] = {}
        self.memory_bytes = 0
        self.memory_limit = memory_limit

    def key(self, function: str, seed: int, request: bytes) -> str:
        return ReferenceCache.key(self.fingerprint, function, seed, request)

    def get(self, key: str) -> bytes | None:
        payload = self.memory.get(key)
        if payload is None and self.disk is not None:
            payload = self.disk.get(key)
            if payload is not None:
                self._remember(key, payload)
        return payload

    def put(self, key: str, payload: bytes) -> None:
        self._remember(key, payload)
        if self.disk is not None:
            self.disk.put(key, payload)

    def _remember(self, key: str, payload: bytes) -> None:
        if len(payload) > self.memory_limit // 8:
            return
        self.memory[key] = payload
        self.memory_bytes += len(payload)
        while self.memory_bytes > self.memory_limit and self.memory:
            oldest = next(iter(self.memory))
            self.memory_bytes -= len(self.memory.pop(oldest))


@dataclass
class Budgets:
    """Wall-clock budgets, in seconds."""

    import_s: float = 30.0
    call_s: float = 20.0
    check_s: float = 90.0
    submission_s: float = 300.0


@dataclass
class CapturedOutput:
    stdout: str = ""
    stderr: str = ""
    stdout_bytes: int = 0
    stderr_bytes: int = 0

    def add(self, output: dict[str, Any]) -> None:
        for stream in ("stdout", "stderr"):
            text = output.get(stream)
            size = output.get(f"{stream}_bytes")
            if not isinstance(text, str) or not isinstance(size, int):
                continue
            current = getattr(self, stream)
            if len(current) < OUTPUT_CAP_CHARS:
                setattr(self, stream, current + text[: OUTPUT_CAP_CHARS - len(current)])
            setattr(self, f"{stream}_bytes", getattr(self, f"{stream}_bytes") + max(size, 0))

    @property
    def truncated(self) -> bool:
        return self.stdout_bytes > len(self.stdout.encode()) or self.stderr_bytes > len(
            self.stderr.encode()
        )


class WorkerSession:
    """The judge's connection to one submission (student or reference) across worker restarts."""

    def __init__(
        self,
        source: PreparedSource,
        launcher: Launcher,
        budgets: Budgets,
        *,
        label: str = "student",
        cache: ResultCache | None = None,
        limits: Limits | None = None,
        clock: CallClock | None = None,
        preload: tuple[str, ...] = (),
    ) -> None:
        self.source = source
        #: budgets each call from the reference's time for it (or records the times: calibration)
        self.clock = clock
        #: modules the source imports inside functions, imported with the file so that the first
        #: call of such a function is not charged for the import
        self.preload = preload
        self.limits = limits
        self.launcher = launcher
        self.budgets = budgets
        self.label = label
        self.cache = cache
        self.process: WorkerProcess | None = None
        self.generation = 0
        self.import_error: ImportFailed | None = None
        self.defined_names: list[str] = []
        #: notebook cells that failed while loading (skipped or stopped; the other cells still ran)
        self.cell_problems: list[Text] = []
        self.fatal_in_check: SubmissionProblem | None = None
        self.output = CapturedOutput()
        self.import_output = CapturedOutput()
        self.started_at: float | None = None
        self.spent_s = 0.0
        self.last_call_s = 0.0
        self.restarts = 0
        self.call_timeout: float | None = None
        self.seed = 0
        self.pending_seed: int | None = None
        self.last_payload = b""
        self.last_call = ""
        self.last_function_call = ""
        #: student functions that timed out, and how often: after MAX_TIMEOUTS_PER_FUNCTION they are
        #: not called again, so a function stuck in a loop costs at most that many call budgets
        self.timeouts_by_function: dict[str, int] = {}
        self.check_deadline = float("inf")

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        """Start a worker and import the source; on failure, remember why (ImportFailed)."""
        if self.import_error is not None:
            raise self.import_error
        self.stop()
        self.process = self.launcher.spawn(
            self.source.text, self.source.filename, limits=self.limits
        )
        self.generation += 1
        try:
            # the worker's own start (Python, numpy, torch) is the harness's time, not the student's
            self._request(
                {"op": "hello"},
                call="start",
                timeout=WORKER_START_TIMEOUT_S,
                output=self.import_output,
            )
            request: dict[str, Any] = {"op": "import", "path": self.process.source_path}
            if self.source.cells is not None:
                request["cells"] = [list(cell) for cell in self.source.cells]
            if self.preload:
                request["preload"] = list(self.preload)
            reply = self._request(
                request,
                call="import",
                timeout=self.budgets.import_s,
                output=self.import_output,
            )
        except SubmissionProblem as problem:
            self.import_error = self._import_failure(problem)
            self.stop()
            raise self.import_error from None
        names = reply.get("names") if isinstance(reply, dict) else reply
        problems = reply.get("cell_problems") if isinstance(reply, dict) else None
        self.defined_names = (
            [n for n in names if isinstance(n, str)] if isinstance(names, list) else []
        )
        self.cell_problems = self._cell_problems(problems if isinstance(problems, list) else [])

    def _cell_problems(self, problems: list[Any]) -> list[Text]:
        """The worker's reports of notebook cells that failed, as notices for the student."""
        notices = []
        for problem in problems:
            if not isinstance(problem, dict):
                continue
            cell, line = problem.get("cell"), problem.get("cell_line")
            cell = cell if type(cell) is int else 0
            line = line if type(line) is int and line > 0 else 1
            exc_type = str(problem.get("type", "Exception"))[:100]
            exc_message = str(problem.get("message", ""))[:500]
            if exc_type in ("SyntaxError", "IndentationError", "TabError"):
                text = messages.CELL_SYNTAX_ERROR.format(
                    cell=cell, line=line, exc_type=exc_type, detail=exc_message
                )
            else:
                frames = problem.get("frames")
                where = self.source.locator.where(
                    [f for f in frames if isinstance(f, dict)] if isinstance(frames, list) else []
                )
                text = messages.CELL_RAISED.format(
                    cell=cell, line=line, exc_type=exc_type, exc_message=exc_message, where=where
                )
            notices.append(text)
        if len(notices) > MAX_CELL_NOTICES:
            more = messages.CELL_PROBLEMS_MORE.format(count=len(notices) - MAX_CELL_NOTICES)
            notices = notices[:MAX_CELL_NOTICES] + [more]
        return notices

    def _import_failure(self, problem: SubmissionProblem) -> ImportFailed:
        if isinstance(problem, CallTimedOut):
            return ImportFailed(messages.IMPORT_TIMED_OUT.format(seconds=problem.seconds))
        if isinstance(problem, WorkerDied):
            return ImportFailed(messages.IMPORT_DIED.format(reason=problem.reason))
        if isinstance(problem, StudentRaised):
            where = self.source.locator.where(problem.frames)
            if problem.exc_type in ("SyntaxError", "IndentationError", "TabError"):
                line = problem.line or 0
                return ImportFailed(
                    messages.IMPORT_SYNTAX_ERROR.format(
                        location=self.source.locator.location(line),
                        detail=problem.exc_message,
                    )
                )
            if isinstance(problem, StudentExited):
                return ImportFailed(
                    messages.IMPORT_EXITED.format(code=problem.exc_message, where=where)
                )
            return ImportFailed(
                messages.IMPORT_RAISED.format(
                    exc_type=problem.exc_type, exc_message=problem.exc_message, where=where
                )
            )
        return ImportFailed(problem.explain())

    def stop(self) -> None:
        if self.process is not None:
            self.process.close()
            self.process = None

    def __enter__(self) -> WorkerSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- per check ------------------------------------------------------------------------------
    def begin_check(
        self,
        seed: int,
        call_timeout: float | None = None,
        *,
        lazy: bool = False,
        check: str = "",
    ) -> None:
        """Fresh output capture; a live worker (restarted if the last check killed it); seeds.

        ``lazy``: start the worker only when the check first uses it (the reference, which many
        checks never call).
        """
        self.output = CapturedOutput()
        self.fatal_in_check = None
        self.call_timeout = call_timeout
        if self.clock is not None:
            self.clock.begin_check(check)
        self.seed = seed
        self.check_deadline = time.monotonic() + self.budgets.check_s
        if self.import_error is not None:
            raise self.import_error
        self._check_budget()
        alive = self.process is not None and self.process.alive()
        if lazy and not alive:
            self.stop()
            self.pending_seed = seed
            return
        if not alive:
            if self.generation > 0:
                self.restarts += 1
            self.start()
        self.pending_seed = None
        self.request({"op": "seed", "seed": seed}, call="seed")

    def end_check(self) -> CapturedOutput:
        if self.process is not None and self.fatal_in_check is None:
            with contextlib.suppress(SubmissionProblem):
                self.request({"op": "release_all"}, call="release")
        return self.output

    # -- requests ---------------------------------------------------------------------------------
    def _check_budget(self) -> None:
        if self.spent_s >= self.budgets.submission_s:
            raise BudgetExhausted(self.budgets.submission_s)

    def request(self, request: dict[str, Any], *, call: str, timeout: float | None = None) -> Any:
        """Send one request in the current check; a fatal problem poisons the rest of the check."""
        if self.fatal_in_check is not None:
            raise self.fatal_in_check
        if self.import_error is not None:
            raise self.import_error
        self._check_budget()
        if self.process is None and self.pending_seed is not None:  # a lazy session's first use
            seed, self.pending_seed = self.pending_seed, None
            self.start()
            self.request({"op": "seed", "seed": seed}, call="seed")
        function = _function_name(request)
        if (
            function is not None
            and self.timeouts_by_function.get(function, 0) >= MAX_TIMEOUTS_PER_FUNCTION
        ):
            raise FunctionGivenUp(call, function, MAX_TIMEOUTS_PER_FUNCTION)
        if self.process is None:
            self.start()
        self.last_call = call
        limit = timeout or self.call_timeout or self.budgets.call_s
        counted = self.clock.next_call(request) if self.clock is not None else None
        # a grader's explicit per-call timeout (a performance check) is kept as it is
        derived = self.clock.budget(counted, limit) if counted and timeout is None else None
        if derived is not None:
            limit = derived.seconds
        limit = min(
            limit,
            max(self.budgets.submission_s - self.spent_s, 0.05),
            max(self.check_deadline - time.monotonic(), 0.05),
        )
        started = time.monotonic()
        try:
            return self._request(request, call=call, timeout=limit, output=self.output)
        except SubmissionProblem as problem:
            problem.origin = self.label
            if isinstance(problem, CallTimedOut):
                if derived is not None and limit == derived.seconds:
                    problem.derived_from = (derived.factor, derived.floor_s)
                if function is not None:
                    self.timeouts_by_function[function] = (
                        self.timeouts_by_function.get(function, 0) + 1
                    )
            if problem.fatal:
                self.fatal_in_check = problem
                self.stop()
            raise
        finally:
            elapsed = time.monotonic() - started
            # only the student's own calls count against the submission budget (not the import)
            self.spent_s += elapsed
            if counted is not None and self.clock is not None:
                self.clock.record(counted, elapsed)

    def call(
        self, request: dict[str, Any], *, call: str, timeout: float | None, function: str
    ) -> Any:
        """A call whose result may come from the cache (the reference's), else a plain request."""
        if self.cache is None:
            return self.request(request, call=call, timeout=timeout)
        try:
            key = self.cache.key(function, self.seed, protocol.dump_request(request))
        except Exception:
            return self.request(request, call=call, timeout=timeout)
        payload = self.cache.get(key)
        if payload is not None:
            return protocol.decode_reply(payload, _no_handles)[1]
        value = self.request(request, call=call, timeout=timeout)
        if not contains_handle(value):
            self.cache.put(key, self.last_payload)
        return value

    def _request(
        self, request: dict[str, Any], *, call: str, timeout: float, output: CapturedOutput
    ) -> Any:
        assert self.process is not None
        process = self.process
        generation = self.generation
        started = time.monotonic()
        deadline = started + timeout
        try:
            payload = protocol.dump_request(request)
        except Exception as exc:  # a judge-side argument that cannot travel: grader bug
            raise RuntimeError(f"cannot send request {request.get('op')}: {exc}") from exc
        try:
            _write_frame(process.request_fd, payload, deadline)
            reply = _read_frame(process.reply_fd, deadline)
        except TimeoutError:
            process.kill()
            raise CallTimedOut(call, timeout) from None
        except (EOFError, BrokenPipeError, OSError):
            returncode = process.kill(grace=2.0)
            raise WorkerDied(call, describe_exit(returncode)) from None
        except protocol.CodecError as exc:
            process.kill()
            raise BadReply(call, str(exc)) from None
        self.last_call_s = time.monotonic() - started
        self.last_payload = reply
        try:
            envelope, value = protocol.decode_reply(
                reply, lambda info: RemoteObject(self, info, generation)
            )
        except protocol.CodecError as exc:
            process.kill()
            raise BadReply(call, str(exc)) from None
        if isinstance(envelope.get("output"), dict):
            output.add(envelope["output"])
        if envelope.get("ok") is True:
            return value
        raise self._problem(envelope.get("error"), call)

    def _problem(self, error: Any, call: str) -> SubmissionProblem:
        if not isinstance(error, dict):
            return BadReply(call, "error reply without details")
        kind = error.get("kind")
        locator = self.source.locator
        if kind == "missing":
            return MissingName(str(error.get("name", "?")), error.get("on"))
        if kind == "not_callable":
            return NotCallable(call, str(error.get("message", "")))
        if kind == "exit":
            return StudentExited(call, error, locator)
        if kind == "not_implemented":
            name = call.strip("`").split("(", 1)[0]
            return NotImplementedYet(name, call, error, locator)
        if kind in ("raised", "interrupted"):
            return StudentRaised(call, error, locator)
        if kind == "codec":
            return BadReply(call, str(error.get("message", "")))
        return BadReply(call, f"{kind}: {error.get('message', '')}")


# -- pipe I/O with deadlines ---------------------------------------------------------------------


def _write_frame(fd: int, payload: bytes, deadline: float) -> None:
    data = memoryview(struct.pack("<Q", len(payload)) + payload)
    os.set_blocking(fd, False)
    while data:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        _, writable, _ = select.select([], [fd], [], remaining)
        if not writable:
            raise TimeoutError
        try:
            written = os.write(fd, data[: 1 << 20])
        except BlockingIOError:
            continue
        data = data[written:]


def _read_exact(fd: int, n: int, deadline: float) -> bytes:
    chunks = bytearray()
    while len(chunks) < n:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        readable, _, _ = select.select([fd], [], [], remaining)
        if not readable:
            raise TimeoutError
        chunk = os.read(fd, min(n - len(chunks), 1 << 22))
        if not chunk:
            raise EOFError
        chunks += chunk
    return bytes(chunks)


def _read_frame(fd: int, deadline: float) -> bytes:
    (length,) = struct.unpack("<Q", _read_exact(fd, 8, deadline))
    if length > protocol.MAX_FRAME_BYTES:
        raise protocol.CodecError(f"reply of {length} bytes is larger than allowed")
    return _read_exact(fd, length, deadline)
