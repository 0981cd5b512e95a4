"""The untrusted side: imports one submission and answers the judge's requests.

Run as ``python -m harness.sandbox.worker --request-fd R --reply-fd W --workdir D``. The worker
imports nothing of the harness but :mod:`harness.protocol`, so no grader, reference solution or
gradebook is ever in memory where student code runs. Every reply goes through the closed codec;
the worker never decides a verdict, it only reports what the student's code did.

Student output (Python ``print`` and C-level writes alike) goes to files in the private working
directory; each reply carries what was written during that request, capped, so it can be shown per
check and never mixes with the harness's own output or the protocol pipe.
"""

from __future__ import annotations
import __future__

import argparse
import contextlib
import functools
import importlib.util
import io
import operator
import os
import random
import sys
import traceback
from typing import Any

from harness import protocol

OUTPUT_CAP_BYTES = 64 * 1024
MESSAGE_CAP_CHARS = 2000
SUBMISSION_MODULE = "submission"
MAX_CELL_PROBLEMS = 100
_FUTURE_FLAGS = functools.reduce(
    operator.or_, (getattr(__future__, name).compiler_flag for name in __future__.all_feature_names)
)


class _Reply(Exception):
    """Internal: an error reply raised from an op handler (``kind`` says which failure)."""

    def __init__(self, kind: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.kind = kind
        self.extra = extra


class Worker:
    def __init__(self, request_fd: int, reply_fd: int, workdir: str) -> None:
        self.request_fd = request_fd
        self.reply_fd = reply_fd
        self.workdir = workdir
        self.module: Any = None
        self.submission_path: str | None = None
        self.handles: dict[int, Any] = {}
        self.next_handle = 1
        self._out_fds: dict[str, int] = {}

    # -- output capture --------------------------------------------------------------------------
    def capture_output(self) -> None:
        """Point fds 1 and 2 at files of our own; stdin reads nothing."""
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        for stream, fd in (("stdout", 1), ("stderr", 2)):
            path = os.path.join(self.workdir, f".{stream}.capture")
            capture = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(capture, fd)
            self._out_fds[stream] = capture
        sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), line_buffering=True)
        sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", closefd=False), line_buffering=True)

    def _reset_output(self) -> None:
        for fd in self._out_fds.values():
            try:
                os.ftruncate(fd, 0)
                os.lseek(fd, 0, os.SEEK_SET)
            except OSError:
                pass

    def _collect_output(self) -> dict[str, Any]:
        collected: dict[str, Any] = {}
        for stream in ("stdout", "stderr"):
            with contextlib.suppress(Exception):
                getattr(sys, stream).flush()
        for stream, fd in self._out_fds.items():
            try:
                size = os.fstat(fd).st_size
                data = os.pread(fd, OUTPUT_CAP_BYTES, 0)
            except OSError:
                size, data = 0, b""
            collected[stream] = data.decode("utf-8", errors="replace")
            collected[f"{stream}_bytes"] = int(size)
        return collected

    # -- handles ---------------------------------------------------------------------------------
    def register(self, value: Any) -> protocol.HandleInfo:
        handle_id = self.next_handle
        self.next_handle += 1
        self.handles[handle_id] = value
        kind = "object"
        torch = sys.modules.get("torch")
        figure_module = sys.modules.get("matplotlib.figure")
        if torch is not None and isinstance(value, torch.nn.Module):
            kind = "module"
        elif figure_module is not None and isinstance(value, figure_module.Figure):
            kind = "figure"
        elif callable(value):
            kind = "callable"
        cls = type(value)
        type_name = f"{getattr(cls, '__module__', '?')}.{getattr(cls, '__qualname__', '?')}"
        return protocol.HandleInfo(handle_id, type_name, kind)

    def resolve(self, handle_id: int) -> Any:
        if handle_id not in self.handles:
            raise _Reply("protocol", f"handle {handle_id} is not known (released?)")
        return self.handles[handle_id]

    # -- main loop -------------------------------------------------------------------------------
    def serve(self) -> None:
        while True:
            try:
                payload = protocol.read_frame(self.request_fd)
            except EOFError:
                return
            try:
                request = protocol.load_request(payload, self.resolve)
            except _Reply as exc:
                self.send({"ok": False, "error": {"kind": exc.kind, "message": str(exc)}})
                continue
            if request.get("op") == "shutdown":
                self.send({"ok": True, "value": None})
                return
            self._reset_output()
            try:
                value = self.dispatch(request)
                envelope: dict[str, Any] = {"ok": True, "value": value}
            except _Reply as exc:
                envelope = {
                    "ok": False,
                    "error": {"kind": exc.kind, "message": str(exc), **exc.extra},
                }
            except BaseException as exc:  # student code: anything may come out of it
                envelope = {"ok": False, "error": self.describe_exception(exc)}
            envelope["output"] = self._collect_output()
            self.send(envelope)

    def send(self, envelope: dict[str, Any]) -> None:
        try:
            payload = protocol.encode_reply(envelope, self.register)
        except BaseException as exc:
            fallback = {
                "ok": False,
                "error": {"kind": "codec", "message": _cap(f"{type(exc).__name__}: {exc}")},
                "output": envelope.get("output", {}),
            }
            payload = protocol.encode_reply(fallback, self.register)
        protocol.write_frame(self.reply_fd, payload)

    def describe_exception(self, exc: BaseException) -> dict[str, Any]:
        if isinstance(exc, SystemExit):
            kind = "exit"
        elif isinstance(exc, NotImplementedError):
            kind = "not_implemented"
        elif isinstance(exc, KeyboardInterrupt):
            kind = "interrupted"
        else:
            kind = "raised"
        frames = []
        for frame in traceback.extract_tb(exc.__traceback__):
            if self.submission_path and os.path.abspath(frame.filename) == self.submission_path:
                frames.append(
                    {"line": frame.lineno or 0, "function": frame.name, "code": frame.line or ""}
                )
        info: dict[str, Any] = {
            "kind": kind,
            "type": type(exc).__name__,
            "mro": [getattr(c, "__name__", "?") for c in type(exc).__mro__][:16],
            "message": _cap(_safe_str(exc)),
            "frames": frames[-8:],
        }
        if isinstance(exc, SyntaxError):
            info["message"] = _cap(str(exc.msg))
            info["line"] = exc.lineno or 0
            info["code"] = (exc.text or "").rstrip()
        if isinstance(exc, SystemExit):
            info["message"] = _cap(repr(exc.code))
        return info

    # -- ops -------------------------------------------------------------------------------------
    def dispatch(self, request: dict[str, Any]) -> Any:
        op = request.get("op")
        handler = getattr(self, f"op_{op}", None)
        if handler is None:
            raise _Reply("protocol", f"unknown op {op!r}")
        return handler(request)

    def op_hello(self, request: dict[str, Any]) -> Any:
        torch = sys.modules.get("torch")
        return {
            "pid": os.getpid(),
            "python": sys.version.split()[0],
            "torch": getattr(torch, "__version__", None),
        }

    def op_import(self, request: dict[str, Any]) -> Any:
        path = os.path.abspath(request["path"])
        self.submission_path = path
        spec = importlib.util.spec_from_file_location(SUBMISSION_MODULE, path)
        if spec is None or spec.loader is None:
            raise _Reply("import", f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[SUBMISSION_MODULE] = module
        problems: list[dict[str, Any]] = []
        if request.get("cells") is None:
            spec.loader.exec_module(module)
        else:
            problems = self._run_cells(module, path, request["cells"])
        self.module = module
        _preload(request.get("preload"))
        names = sorted(name for name in vars(module) if not name.startswith("_"))
        return {"names": names, "cell_problems": problems}

    def _run_cells(self, module: Any, path: str, cells: list[Any]) -> list[dict[str, Any]]:
        """Run a notebook's code cells in order in one namespace, as Jupyter does.

        ``cells`` holds (cell number, first line, last line) of the file. Each cell is compiled on
        its own, padded so that its line numbers are the file's (tracebacks and the judge's line
        map stay right). A cell that does not compile or raises an ``Exception`` is reported and
        the next cells still run; anything else (SystemExit, KeyboardInterrupt) ends the import.
        """
        with open(path, encoding="utf-8") as handle:
            lines = handle.read().split("\n")
        namespace = vars(module)
        flags = 0  # __future__ imports carry over to later cells, as in IPython
        problems: list[dict[str, Any]] = []
        for number, first, last in cells:
            text = "\n" * (first - 1) + "\n".join(lines[first - 1 : last]) + "\n"
            try:
                code = compile(text, path, "exec", flags=flags, dont_inherit=True)
                flags |= code.co_flags & _FUTURE_FLAGS
                exec(code, namespace)
            except Exception as exc:
                info = self.describe_exception(exc)
                if isinstance(exc, SyntaxError):
                    line = exc.lineno or first
                else:
                    line = next(
                        (
                            frame.lineno or first
                            for frame in traceback.extract_tb(exc.__traceback__)
                            if os.path.abspath(frame.filename) == path
                        ),
                        first,
                    )
                info["cell"] = number
                info["cell_line"] = min(max(line - first + 1, 1), max(last - first + 1, 1))
                if len(problems) < MAX_CELL_PROBLEMS:
                    problems.append(info)
                _note(
                    f"cell {number} failed at line {info['cell_line']} with {info['type']}: "
                    f"{info['message']} (the next cells still ran)"
                )
        return problems

    def op_seed(self, request: dict[str, Any]) -> Any:
        seed = int(request["seed"])
        random.seed(seed)
        numpy = sys.modules.get("numpy")
        if numpy is not None:
            numpy.random.seed(seed % 2**32)
        torch = sys.modules.get("torch")
        if torch is not None:
            torch.manual_seed(seed)
        return None

    def _target(self, target: Any) -> Any:
        if isinstance(target, tuple) and target[0] == "module":
            if self.module is None:
                raise _Reply("protocol", "no submission imported")
            name = target[1]
            if not hasattr(self.module, name):
                raise _Reply("missing", name, name=name)
            return getattr(self.module, name)
        return self.resolve(int(target))

    def op_call(self, request: dict[str, Any]) -> Any:
        function = self._target(request["target"])
        if not callable(function):
            raise _Reply("not_callable", f"{type(function).__name__} is not callable")
        args, kwargs = request.get("args", ()), request.get("kwargs", {})
        result = function(*args, **kwargs)
        if request.get("return_inputs"):
            # the arguments as the function left them: lets the judge see in-place modification
            return {"result": result, "args": list(args), "kwargs": dict(kwargs)}
        return result

    def op_call_method(self, request: dict[str, Any]) -> Any:
        obj = self._target(request["target"])
        name = request["name"]
        if not hasattr(obj, name):
            raise _Reply("missing", name, name=name, on=type(obj).__name__)
        return getattr(obj, name)(*request.get("args", ()), **request.get("kwargs", {}))

    def op_getattr(self, request: dict[str, Any]) -> Any:
        obj = self._target(request["target"])
        name = request["name"]
        if not hasattr(obj, name):
            raise _Reply("missing", name, name=name, on=type(obj).__name__)
        return getattr(obj, name)

    def op_put(self, request: dict[str, Any]) -> Any:
        """Keep a judge-provided object here; it comes back as a handle (or as data if it is data)."""
        return request["value"]

    def op_has(self, request: dict[str, Any]) -> Any:
        if self.module is None:
            return False
        return hasattr(self.module, request["name"])

    def op_release_all(self, request: dict[str, Any]) -> Any:
        self.handles.clear()
        return None

    def op_isinstance(self, request: dict[str, Any]) -> Any:
        """Whether a handle's object is an instance of a class named by the judge (``mod:qualname``)."""
        obj = self._target(request["target"])
        module_name, _, qualname = request["cls"].partition(":")
        cls: Any = sys.modules.get(module_name) or importlib.import_module(module_name)
        for part in qualname.split("."):
            cls = getattr(cls, part)
        return isinstance(obj, cls)

    def op_module_summary(self, request: dict[str, Any]) -> Any:
        from harness.sandbox.introspect import module_summary

        return module_summary(self._target(request["target"]))

    def op_trace(self, request: dict[str, Any]) -> Any:
        from harness.sandbox.introspect import trace_forward

        return trace_forward(
            self._target(request["target"]), request.get("args", ()), request.get("kwargs", {})
        )

    def op_figure_png(self, request: dict[str, Any]) -> Any:
        from harness.sandbox.introspect import figure_png

        return figure_png(self._target(request["target"]), int(request.get("dpi", 80)))

    def op_figure_summary(self, request: dict[str, Any]) -> Any:
        from harness.sandbox.introspect import figure_summary

        return figure_summary(self._target(request["target"]))


def _note(text: str) -> None:
    """A line on the captured stderr, where Jupyter would show a failed cell's error."""
    with contextlib.suppress(Exception):
        sys.stderr.flush()
    with contextlib.suppress(Exception):
        os.write(2, f"[grader] {text}\n".encode(errors="replace"))


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)
    except BaseException:
        return f"<{type(exc).__name__} whose message could not be printed>"


def _cap(text: str) -> str:
    return text if len(text) <= MESSAGE_CAP_CHARS else text[:MESSAGE_CAP_CHARS] + " [...]"


def configure_runtime() -> None:
    """Deterministic, single-threaded numerics, done before any student code runs."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    import numpy  # noqa: F401  (pre-imported: students use it and the codec needs it)

    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:  # a worker can serve numpy-only assignments
        pass


def run_worker(request_fd: int, reply_fd: int, workdir: str) -> None:
    """Serve the judge until it closes the pipe (fresh process and zygote child alike)."""
    os.chdir(workdir)
    worker = Worker(request_fd, reply_fd, workdir)
    configure_runtime()
    worker.capture_output()
    sys.path.insert(0, workdir)
    worker.serve()
    os._exit(0)


def _preload(names: Any) -> None:
    """Import the modules the submission imports inside its functions, now, so the first call of
    such a function is timed on its own work; one that fails to import fails later, in the call
    that imports it, as it would have anyway."""
    if not isinstance(names, list):
        return
    for name in names:
        if isinstance(name, str) and name not in sys.modules:
            with contextlib.suppress(Exception):
                importlib.import_module(name)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--request-fd", type=int, required=True)
    parser.add_argument("--reply-fd", type=int, required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args(argv)
    run_worker(args.request_fd, args.reply_fd, args.workdir)


if __name__ == "__main__":
    main()
