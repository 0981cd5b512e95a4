"""Judge-side proxies for the code on the other side of the pipe.

``ctx.student.make_power_mlp(3, 2, 2, 4)`` reads like a local call; it pickles the arguments to the
worker, which runs the student's function and answers with plain data, or with a
:class:`RemoteObject` for anything that is not data (a model, a figure, an optimizer). A check then
calls ``model(x)``, ``model.state_dict()``, ``model.summary()``... on that handle. The reference
solution is reached through the same classes, so student and reference calls read alike.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from harness import protocol
from harness.remote.describe import Handle, call_repr
from harness.remote.errors import BadReply


class WorkerSession(Protocol):
    """What a proxy needs of the judge's connection to a worker (harness.judge.session)."""

    label: str
    generation: int
    last_call: str
    #: the last call of a top-level function (handle requests such as summary() do not count)
    last_function_call: str
    last_call_s: float

    def request(
        self, request: dict[str, Any], *, call: str, timeout: float | None = None
    ) -> Any: ...

    def call(
        self, request: dict[str, Any], *, call: str, timeout: float | None, function: str
    ) -> Any: ...


def contains_handle(value: Any) -> bool:
    if isinstance(value, RemoteObject):
        return True
    if isinstance(value, list | tuple):
        return any(contains_handle(v) for v in value)
    if isinstance(value, dict):
        return any(contains_handle(v) for v in value.values())
    return False


#: validates what a top-level function returned: (name, call as written, value) -> value
ReturnCheck = Callable[[str, str, Any], Any]


def _unchecked(name: str, call: str, value: Any) -> Any:
    return value


class RemoteFunction:
    """A top-level function of the submission, called by name."""

    def __init__(
        self,
        session: WorkerSession,
        name: str,
        timeout: float | None = None,
        check_return: ReturnCheck = _unchecked,
    ) -> None:
        self._session = session
        self.name = name
        self._timeout = timeout
        self._check_return = check_return

    def with_timeout(self, seconds: float) -> RemoteFunction:
        """The same function with its own per-call budget (performance checks)."""
        return RemoteFunction(self._session, self.name, seconds, self._check_return)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        description = call_repr(self.name, args, kwargs)
        self._session.last_function_call = description
        request = {"op": "call", "target": ("module", self.name), "args": args, "kwargs": kwargs}
        value = self._session.call(
            request, call=description, timeout=self._timeout, function=self.name
        )
        return self._check_return(self.name, description, value)

    def call_with_inputs(self, *args: Any, **kwargs: Any) -> tuple[Any, list[Any], dict[str, Any]]:
        """Call, and also get back the arguments as the function left them (side-effect checks)."""
        description = call_repr(self.name, args, kwargs)
        self._session.last_function_call = description
        request = {
            "op": "call",
            "target": ("module", self.name),
            "args": args,
            "kwargs": kwargs,
            "return_inputs": True,
        }
        reply = self._session.request(request, call=description, timeout=self._timeout)
        if not isinstance(reply, dict) or set(reply) != {"result", "args", "kwargs"}:
            raise BadReply(description, "unexpected reply shape")
        result = self._check_return(self.name, description, reply["result"])
        return result, reply["args"], reply["kwargs"]

    def __repr__(self) -> str:
        return f"<remote function {self.name} ({self._session.label})>"


class RemoteModule:
    """The submission (or reference) as a namespace of remote functions."""

    def __init__(self, session: WorkerSession, check_return: ReturnCheck = _unchecked) -> None:
        self._session = session
        self._check_return = check_return

    @property
    def session(self) -> WorkerSession:
        return self._session

    def __getattr__(self, name: str) -> RemoteFunction:
        if name.startswith("__"):
            raise AttributeError(name)
        return RemoteFunction(self._session, name, check_return=self._check_return)

    def put(self, value: Any) -> Any:
        """Send a judge-built object (a model, a dataset...) to this worker and keep it there.

        A model comes back as a :class:`RemoteObject`; pass that handle to a student function and
        inspect it afterwards (``handle.state_dict()``, ``handle.summary()``) to see side effects.
        """
        return self._session.request({"op": "put", "value": value}, call="upload")

    def has(self, name: str) -> bool:
        """Whether the submission defines ``name`` at top level."""
        return bool(self._session.request({"op": "has", "name": name}, call=f"`{name}`"))

    @property
    def last_call(self) -> str:
        """How the last call was made, e.g. '`f(<float64 array (5, 3)>)`' (for messages)."""
        return self._session.last_call

    @property
    def last_function_call(self) -> str:
        """The last call of one of the submission's functions (what feedback is usually about)."""
        return self._session.last_function_call

    @property
    def last_call_seconds(self) -> float:
        """Wall time of the last request, measured by the judge (not by the student's code)."""
        return self._session.last_call_s


class RemoteMethod:
    def __init__(self, owner: RemoteObject, name: str) -> None:
        self._owner = owner
        self.name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._owner.call_method(self.name, *args, **kwargs)


class RemoteObject(Handle):
    """An object that lives in a worker (a model, a figure, ...), usable through its methods."""

    def __init__(self, session: WorkerSession, info: protocol.HandleInfo, generation: int) -> None:
        self._session = session
        self._generation = generation
        self.id = info.id
        self.type_name = info.type_name
        self.kind = info.kind

    @property
    def __handle_ref__(self) -> protocol.HandleRef:
        return protocol.HandleRef(self.id)

    @property
    def short_type(self) -> str:
        return self.type_name.rsplit(".", 1)[-1]

    def _request(self, op: str, call: str, timeout: float | None = None, **fields: Any) -> Any:
        if self._generation != self._session.generation:
            raise RuntimeError("this handle belongs to a worker that has since been restarted")
        return self._session.request(
            {"op": op, "target": self.id, **fields}, call=call, timeout=timeout
        )

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        call = call_repr(f"{self.short_type}(...)", args, kwargs)
        return self._request("call", call, args=args, kwargs=kwargs)

    def call_method(self, name: str, *args: Any, **kwargs: Any) -> Any:
        call = call_repr(f"{self.short_type}.{name}", args, kwargs)
        return self._request("call_method", call, name=name, args=args, kwargs=kwargs)

    def __getattr__(self, name: str) -> RemoteMethod:
        if name.startswith("_"):
            raise AttributeError(name)
        return RemoteMethod(self, name)

    def get(self, name: str) -> Any:
        """The value of an attribute (``model.get('training')``)."""
        return self._request("getattr", f"`{self.short_type}.{name}`", name=name)

    def isinstance_of(self, cls: str) -> bool:
        """Worker-side isinstance against a class named ``'module:QualName'`` (e.g. torch.nn:Module)."""
        return bool(self._request("isinstance", f"isinstance(..., {cls})", cls=cls))

    def summary(self) -> dict[str, Any]:
        """Structural summary of an nn.Module: submodules, parameters, buffers, hooks, modes."""
        return self._request("module_summary", f"summary of {self.short_type}")

    def trace(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """One forward pass recording the modules entered and the aten ops run."""
        call = call_repr(f"{self.short_type}(...)", args, kwargs)
        return self._request("trace", call, args=args, kwargs=kwargs)

    def figure_png(self, dpi: int = 80) -> bytes:
        return self._request("figure_png", f"savefig({self.short_type})", dpi=dpi)

    def figure_summary(self) -> dict[str, Any]:
        return self._request("figure_summary", f"figure {self.short_type}")

    def __repr__(self) -> str:
        return f"<remote {self.type_name} #{self.id} ({self._session.label})>"
