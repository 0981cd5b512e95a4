"""The contract of an assignment: what each student function must return, checked before any
check sees the value.

The contract is read once, statically, from the reference solution's signatures (``ast``, never
by importing it) and may be refined by the grader (``CONTRACT = refine(project_2d=Array(ndim=2))``)
where the annotations say less than the statement (a dict's keys, an array's rank). Every value a
student function returns is validated with a pydantic ``TypeAdapter`` built from that contract, over
the codec's plain data and handles: ``None`` where an array is due, a string, a handle to an
arbitrary object, a generator, an array of the wrong rank or a dict without a required key fail the
check with "`f(...)` returned <what>; the contract says <type>", and never reach the grader's code.

Validation is lenient where the statement is: a tensor passes for an array, a 0-d array for a
float, a list of numbers for an array; it normalises scalars (``np.float64`` -> ``float``) so that
checks get plain values.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import PlainValidator, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from harness.i18n import Text
from harness.kit.spec import CheckFailed
from harness.remote.describe import Handle, describe

# ---------------------------------------------------------------------------------------------
# Leaf types: what a value of the codec may be


def _reject(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(kind, message)


def _torch() -> Any:
    import torch

    return torch


def _is_tensor(value: Any) -> bool:
    import sys

    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


def _numeric_shape(value: Any) -> tuple[int, ...] | None:
    """The shape of a numeric array-like value (array, tensor, number, nested list), else None."""
    if _is_tensor(value):
        return None if value.is_complex() else tuple(value.shape)
    if isinstance(value, np.ndarray | np.generic):
        return tuple(value.shape) if value.dtype.kind in "biuf" else None
    if isinstance(value, bool | int | float):
        return ()
    if isinstance(value, list | tuple):
        if any(not isinstance(v, bool | int | float | np.number) for v in _flat(value)):
            return None
        try:
            array = np.asarray(value)
        except (ValueError, TypeError):
            return None
        return tuple(array.shape) if array.dtype.kind in "biuf" else None
    return None


def _flat(value: Any, limit: int = 10_000) -> list[Any]:
    out: list[Any] = []
    stack = [value]
    while stack and len(out) < limit:
        item = stack.pop()
        if isinstance(item, list | tuple):
            stack.extend(item)
        else:
            out.append(item)
    return out


@dataclass(frozen=True)
class Array:
    """A numeric array: a numpy array, a tensor or a (nested) list of numbers.

    ``ndim`` fixes the rank; ``shape`` fixes some dimensions (``None`` for free ones);
    ``integer`` requires integer values (indices, labels).
    """

    ndim: int | None = None
    shape: tuple[int | None, ...] | None = None
    integer: bool = False

    def __post_init__(self) -> None:
        if self.shape is not None and self.ndim is None:
            object.__setattr__(self, "ndim", len(self.shape))

    def describe(self) -> str:
        text = "an integer array" if self.integer else "a numeric array"
        if self.shape is not None:
            dims = ", ".join("any" if d is None else str(d) for d in self.shape)
            return f"{text} of shape ({dims})"
        if self.ndim is not None:
            return f"{text} with {self.ndim} dimension{'s' if self.ndim != 1 else ''}"
        return text

    def validate(self, value: Any) -> Any:
        shape = _numeric_shape(value)
        if shape is None:
            raise _reject("array", f"expected {self.describe()}")
        if self.ndim is not None and len(shape) != self.ndim:
            raise _reject(
                "array_rank", f"expected {self.describe()}, got {len(shape)} dimension(s) {shape}"
            )
        if self.shape is not None:
            for want, got in zip(self.shape, shape):
                if want is not None and want != got:
                    raise _reject("array_shape", f"expected {self.describe()}, got shape {shape}")
        if self.integer:
            values = np.asarray(value.detach().cpu() if _is_tensor(value) else value)
            if values.dtype.kind == "f" and not np.all(
                np.isfinite(values) & (values == np.round(values))
            ):
                raise _reject(
                    "array_integer", f"expected {self.describe()}, got non-integer values"
                )
        if isinstance(value, list | tuple):
            return np.asarray(value)
        return value


def _real(value: Any) -> float:
    if isinstance(value, bool | np.bool_):
        raise _reject("real", "expected a number (float), got a bool")
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    if (_is_tensor(value) and value.numel() == 1 and not value.is_complex()) or (
        isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf"
    ):
        return float(value.reshape(()).item()) if _is_tensor(value) else float(value.reshape(()))
    raise _reject("real", "expected a number (float)")


def _integer(value: Any) -> int:
    if isinstance(value, bool | np.bool_):
        raise _reject("integer", "expected an integer, got a bool")
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating) and math.isfinite(value) and value == int(value):
        return int(value)
    if (_is_tensor(value) and value.numel() == 1) or (
        isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf"
    ):
        return _integer(value.reshape(()).item())
    raise _reject("integer", "expected an integer")


def _boolean(value: Any) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise _reject("boolean", "expected True or False")


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _reject("text", "expected a string")


@dataclass(frozen=True)
class HandleOf:
    """An object that lives in the worker: a model, a figure, a callable (or any object)."""

    kinds: tuple[str, ...] = ()
    label: str = "an object"

    def describe(self) -> str:
        return self.label

    def validate(self, value: Any) -> Any:
        if isinstance(value, Handle) and (
            not self.kinds or getattr(value, "kind", "") in self.kinds
        ):
            return value
        raise _reject("handle", f"expected {self.label}")


@dataclass(frozen=True)
class InstanceOf(HandleOf):
    """An instance of a class the submission defines (``-> AveragingEnsemble``): the worker is
    asked, since only it knows the student's classes."""

    cls: str = ""

    def validate(self, value: Any) -> Any:
        value = super().validate(value)
        if not value.isinstance_of(f"{SUBMISSION_MODULE}:{self.cls}"):
            raise _reject("handle", f"expected {self.label}")
        return value


#: the name under which the worker imports a submission (harness/sandbox/worker.py)
SUBMISSION_MODULE = "submission"

MODULE = HandleOf(("module",), "a torch.nn.Module")
FIGURE = HandleOf(("figure",), "a matplotlib Figure")
CALLABLE = HandleOf(("callable", "module"), "a callable (function)")
OBJECT = HandleOf((), "an object")


@dataclass(frozen=True)
class Keys:
    """A dict that must hold these keys (others may be there too), each of its own type.

    Kept as a tuple of pairs so that a Keys is hashable and its pydantic adapter is built once.
    """

    items: tuple[tuple[str, Any], ...] = ()

    def __init__(self, **fields: Any) -> None:
        object.__setattr__(self, "items", tuple(fields.items()))

    @property
    def fields(self) -> dict[str, Any]:
        return dict(self.items)

    def describe(self) -> str:
        return "a dict with keys " + ", ".join(repr(k) for k in self.fields)

    def validate(self, value: Any) -> Any:
        if not isinstance(value, dict):
            raise _reject("dict", f"expected {self.describe()}")
        missing = [k for k in self.fields if k not in value]
        if missing:
            raise _reject("dict_keys", f"expected {self.describe()}; missing {missing}")
        out = dict(value)
        for key, spec in self.items:
            try:
                out[key] = adapter(spec).validate_python(value[key])
            except ValidationError as error:
                raise _reject(
                    "dict_value", f"[{key!r}]: {_first_error(error)} ({type_text(spec)})"
                ) from None
        return out


@dataclass(frozen=True)
class ListOf:
    """A list (a tuple or a 1-d array are accepted and turned into a list) of ``item``."""

    item: Any

    def describe(self) -> str:
        return f"a list of {type_text(self.item)}"

    def validate(self, value: Any) -> list[Any]:
        if isinstance(value, np.ndarray | np.generic) or _is_tensor(value):
            if getattr(value, "ndim", 0) != 1:
                raise _reject("list", f"expected {self.describe()}")
            value = value.tolist()
        if not isinstance(value, list | tuple):
            raise _reject("list", f"expected {self.describe()}")
        item = adapter(self.item)
        out = []
        for index, element in enumerate(value):
            try:
                out.append(item.validate_python(element))
            except ValidationError as error:
                raise _reject("list_item", f"item {index}: {_first_error(error)}") from None
        return out


LEAVES: dict[Any, Callable[[Any], Any]] = {float: _real, int: _integer, bool: _boolean, str: _text}


def _annotated(spec: Any) -> Any:
    """The pydantic type for one contract spec (our spec classes, builtins, None, Any)."""
    if spec is None or spec is type(None):
        return None
    if isinstance(spec, type) and spec in LEAVES:
        return Annotated[Any, PlainValidator(LEAVES[spec])]
    validate = getattr(spec, "validate", None)
    if callable(validate):
        return Annotated[Any, PlainValidator(validate)]
    return Any


@dataclass(frozen=True)
class Tuple:
    """A fixed-length tuple (a list of that length is accepted)."""

    items: tuple[Any, ...]

    def describe(self) -> str:
        return "a tuple (" + ", ".join(type_text(i) for i in self.items) + ")"

    def validate(self, value: Any) -> tuple[Any, ...]:
        if not isinstance(value, tuple | list) or len(value) != len(self.items):
            raise _reject("tuple", f"expected {self.describe()}")
        out = []
        for index, (spec, element) in enumerate(zip(self.items, value)):
            try:
                out.append(adapter(spec).validate_python(element))
            except ValidationError as error:
                raise _reject("tuple_item", f"item {index}: {_first_error(error)}") from None
        return tuple(out)


@dataclass(frozen=True)
class DictOf:
    """A dict whose keys and values have the given types (any number of entries)."""

    key: Any
    value: Any

    def describe(self) -> str:
        return f"a dict of {type_text(self.key)} -> {type_text(self.value)}"

    def validate(self, value: Any) -> dict[Any, Any]:
        if not isinstance(value, dict):
            raise _reject("dict", f"expected {self.describe()}")
        keys, values = adapter(self.key), adapter(self.value)
        out = {}
        for k, v in value.items():
            try:
                key = keys.validate_python(k)
            except ValidationError as error:
                raise _reject("dict_key", f"key {k!r}: {_first_error(error)}") from None
            try:
                out[key] = values.validate_python(v)
            except ValidationError as error:
                raise _reject("dict_value", f"[{k!r}]: {_first_error(error)}") from None
        return out


@dataclass(frozen=True)
class Union:
    """One of several types, tried in order (``float | None``)."""

    options: tuple[Any, ...]

    def describe(self) -> str:
        return " or ".join(type_text(o) for o in self.options)

    def validate(self, value: Any) -> Any:
        for option in self.options:
            if option is None:
                if value is None:
                    return None
                continue
            try:
                return adapter(option).validate_python(value)
            except ValidationError:
                continue
        raise _reject("union", f"expected {self.describe()}")


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def adapter(spec: Any) -> TypeAdapter[Any]:
    """The pydantic TypeAdapter of a contract spec (cached for hashable specs)."""
    try:
        cached = _ADAPTERS.get(spec)
    except TypeError:  # an unhashable spec (a refinement holding a list): built each time
        return TypeAdapter(_annotated(spec))
    if cached is None:
        cached = _ADAPTERS[spec] = TypeAdapter(_annotated(spec))
    return cached


def _first_error(error: ValidationError) -> str:
    first = error.errors(include_url=False)[0]
    return str(first.get("msg", "invalid value"))


def type_text(spec: Any) -> str:
    """The contract type in words, for messages."""
    if spec is None or spec is type(None):
        return "None"
    if spec is float:
        return "a number (float)"
    if spec is int:
        return "an integer"
    if spec is bool:
        return "True or False"
    if spec is str:
        return "a string"
    describe = getattr(spec, "describe", None)
    return describe() if callable(describe) else "anything"


# ---------------------------------------------------------------------------------------------
# Reading the contract from the reference's annotations


@dataclass(frozen=True)
class Returns:
    """What one contract name returns: the spec, and the annotation as written (for messages)."""

    spec: Any
    written: str

    def text(self) -> str:
        words = type_text(self.spec)
        return f"{words} (`{self.written}`)" if self.written and self.written != words else words

    def validate(self, value: Any) -> Any:
        return adapter(self.spec).validate_python(value)


class _Resolver:
    """Turns an annotation's AST into a contract spec; anything unknown becomes 'anything'."""

    ARRAYS = {"ndarray", "Tensor", "ArrayLike", "NDArray"}
    SEQUENCES = {"list", "List", "Sequence", "Iterable", "Collection"}
    MAPPINGS = {"dict", "Dict", "Mapping", "MutableMapping"}

    def __init__(self, classes: Mapping[str, Any]) -> None:
        self.classes = classes

    def resolve(self, node: ast.expr | None) -> Any:
        if node is None:
            return Any
        if isinstance(node, ast.Constant):
            if node.value is None:
                return None
            if isinstance(node.value, str):
                try:
                    return self.resolve(ast.parse(node.value, mode="eval").body)
                except SyntaxError:
                    return Any
            return Any
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self._union([self.resolve(node.left), self.resolve(node.right)])
        if isinstance(node, ast.Name | ast.Attribute):
            return self._name(node)
        if isinstance(node, ast.Subscript):
            return self._generic(node)
        return Any

    def _union(self, options: list[Any]) -> Any:
        flat: list[Any] = []
        for option in options:
            flat.extend(option.options if isinstance(option, Union) else [option])
        if any(option is Any for option in flat):
            return Any
        return Union(tuple(flat))

    def _name(self, node: ast.Name | ast.Attribute) -> Any:
        dotted = ast.unparse(node)
        name = dotted.rsplit(".", 1)[-1]
        if name in self.classes:
            return self.classes[name]
        if name in self.ARRAYS:
            return Array()
        if name in ("float", "int", "bool", "str"):
            return {"float": float, "int": int, "bool": bool, "str": str}[name]
        if name == "None":
            return None
        if name == "Figure":
            return FIGURE
        if name == "Callable":
            return CALLABLE
        if dotted.startswith(("nn.", "torch.nn.")) or name == "Module":
            return MODULE
        if name in self.SEQUENCES:
            return ListOf(Any)
        if name in self.MAPPINGS:
            return DictOf(Any, Any)
        if name in ("tuple", "Tuple"):
            return _AnyTuple()
        return Any

    def _generic(self, node: ast.Subscript) -> Any:
        base = ast.unparse(node.value).rsplit(".", 1)[-1]
        args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base in ("Optional",):
            return self._union([self.resolve(args[0]), None])
        if base in ("Union",):
            return self._union([self.resolve(a) for a in args])
        if base in ("tuple", "Tuple"):
            if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is Ellipsis:
                return ListOf(self.resolve(args[0]))
            return Tuple(tuple(self.resolve(a) for a in args))
        if base in self.SEQUENCES:
            return ListOf(self.resolve(args[0]))
        if base in self.MAPPINGS and len(args) == 2:
            return DictOf(self.resolve(args[0]), self.resolve(args[1]))
        if base == "Callable":
            return CALLABLE
        if base in self.ARRAYS:
            return Array()
        return Any


class _AnyTuple:
    def describe(self) -> str:
        return "a tuple"

    def validate(self, value: Any) -> Any:
        if isinstance(value, tuple | list):
            return tuple(value)
        raise _reject("tuple", "expected a tuple")


@dataclass
class Contract:
    """Contract names -> what they return. Classes map to the instance they construct."""

    returns: dict[str, Returns] = field(default_factory=dict)
    #: the names a submission must define (functions and classes of the reference)
    names: tuple[str, ...] = ()

    def get(self, name: str) -> Returns | None:
        return self.returns.get(name)

    def refined(self, refinements: Mapping[str, Any]) -> Contract:
        """A copy where the grader's refinements replace the annotations' types."""
        returns = dict(self.returns)
        for name, spec in refinements.items():
            written = returns[name].written if name in returns else ""
            returns[name] = Returns(spec, written)
        return Contract(returns, tuple(dict.fromkeys([*self.names, *refinements])))


def refine(**specs: Any) -> dict[str, Any]:
    """A grader's refinements of the contract: ``CONTRACT = refine(f=Array(ndim=2), ...)``."""
    for name, spec in specs.items():
        if not (
            spec in (float, int, bool, str, None)
            or isinstance(spec, Array | HandleOf | Keys | ListOf | Tuple | DictOf | Union)
        ):
            raise TypeError(f"refine({name}=...): not a contract type: {spec!r}")
    return dict(specs)


def read_contract(source: str) -> Contract:
    """The contract of a reference solution: its public top-level functions and classes."""
    tree = ast.parse(source)
    classes: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            bases = {ast.unparse(b).rsplit(".", 1)[-1] for b in node.bases}
            module = bool(bases & {"Module", "Sequential"})
            classes[node.name] = InstanceOf(
                ("module",) if module else (),
                f"an instance of {node.name}" + (" (a torch.nn.Module)" if module else ""),
                cls=node.name,
            )
    resolver = _Resolver(classes)
    returns: dict[str, Returns] = {}
    names = []
    for node in tree.body:
        if node.__class__ is ast.FunctionDef and not node.name.startswith("_"):
            written = ast.unparse(node.returns) if node.returns is not None else ""
            returns[node.name] = Returns(resolver.resolve(node.returns), written)
            names.append(node.name)
        elif isinstance(node, ast.ClassDef) and node.name in classes:
            returns[node.name] = Returns(classes[node.name], node.name)
            names.append(node.name)
    return Contract(returns, tuple(names))


def contract_for(reference: Path | None, refinements: Mapping[str, Any] | None) -> Contract:
    contract = (
        read_contract(reference.read_text(encoding="utf-8"))
        if reference is not None and reference.exists()
        else Contract()
    )
    return contract.refined(refinements or {})


class ContractViolation(CheckFailed):
    """A student function returned something its contract does not allow."""


CONTRACT_VIOLATED = Text(
    en="{call} returned {got}; the contract says {expected}{detail}.",
    pt="{call} retornou {got}; o contrato exige {expected_code}{detail}.",
)


def return_checker(contract: Contract) -> Callable[[str, str, Any], Any]:
    """The hook the judge gives the student's handles: validate, normalise, or fail the check."""

    def check_return(name: str, call: str, value: Any) -> Any:
        returns = contract.get(name)
        if returns is None:
            return value
        try:
            return returns.validate(value)
        except ValidationError as error:
            detail = _first_error(error)
            if detail == f"expected {type_text(returns.spec)}":
                detail = ""
            raise ContractViolation(
                CONTRACT_VIOLATED.format(
                    call=call,
                    got=describe(value),
                    expected=returns.text(),
                    expected_code=f"`{returns.written}`" if returns.written else returns.text(),
                    detail=f" ({detail})" if detail else "",
                )
            ) from None

    return check_return


__all__ = [
    "CALLABLE",
    "FIGURE",
    "MODULE",
    "OBJECT",
    "Array",
    "Contract",
    "ContractViolation",
    "DictOf",
    "HandleOf",
    "InstanceOf",
    "Keys",
    "ListOf",
    "Returns",
    "Tuple",
    "Union",
    "contract_for",
    "read_contract",
    "refine",
    "return_checker",
    "type_text",
]
