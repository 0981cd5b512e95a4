"""Tensor-aware assertions: each fails the check with a message that names what was called, what
was expected and what came back. ``context`` defaults to the student call the check made last."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from harness.i18n import Text
from harness.kit.context import last_student_call
from harness.kit.spec import Partial, fail
from harness.remote.describe import call_repr, describe
from harness.remote.errors import StudentRaised
from harness.remote.handles import RemoteObject


class _LastCall:
    """Default message context: the student call the running check made last."""

    def __repr__(self) -> str:
        return "LAST_CALL"


LAST_CALL: Any = _LastCall()


def _prefix(context: Text | str | None) -> Text:
    if context is LAST_CALL:
        context = last_student_call()
    if context is None or context == "":
        return Text.same("")
    return Text.coerce(context) + Text.same(": ")


def as_array(
    value: Any, *, what: Text | str = "the result", context: Text | str | None = LAST_CALL
) -> np.ndarray:
    """The value as a numpy array (tensors and nested lists accepted), or a clear failure."""
    try:
        import torch

        if isinstance(value, torch.Tensor):
            return (
                value.detach()
                .cpu()
                .to(torch.float64 if value.is_floating_point() else value.dtype)
                .numpy()
            )
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, np.generic | int | float | bool):
        return np.asarray(value)
    if isinstance(value, list | tuple):
        try:
            array = np.asarray(value)
        except (ValueError, TypeError):
            array = None
        if array is not None and array.dtype != object:
            return array
    fail(
        _prefix(context)
        + Text(
            en="expected {what} to be an array, got {got}.",
            pt="esperava-se que {what} fosse um array, obteve-se {got}.",
        ).format(what=Text.coerce(what), got=describe(value))
    )
    raise AssertionError("unreachable")


def expect_shape(
    value: Any,
    shape: Sequence[int],
    *,
    what: Text | str = "the result",
    context: Text | str | None = LAST_CALL,
) -> np.ndarray:
    array = as_array(value, what=what, context=context)
    if tuple(array.shape) != tuple(shape):
        fail(
            _prefix(context)
            + Text(
                en="expected {what} to have shape {expected}, got shape {got}.",
                pt="esperava-se que {what} tivesse forma {expected}, obteve-se forma {got}.",
            ).format(what=Text.coerce(what), expected=tuple(shape), got=tuple(array.shape))
        )
    return array


def expect_close(
    actual: Any,
    expected: Any,
    *,
    what: Text | str = "the result",
    context: Text | str | None = LAST_CALL,
    rtol: float = 1e-5,
    atol: float = 1e-7,
) -> np.ndarray:
    """Same shape, finite where expected is finite, and allclose, with the worst element named."""
    got = as_array(actual, what=what, context=context)
    want = as_array(expected, what=Text(en="the expected value", pt="o valor esperado"))
    if got.shape != want.shape:
        expect_shape(got, want.shape, what=what, context=context)
    if got.dtype.kind not in "biufc":
        fail(
            _prefix(context)
            + Text(
                en="{what} is not numeric ({dtype}).", pt="{what} não é numérico ({dtype})."
            ).format(what=Text.coerce(what), dtype=got.dtype)
        )
    got64 = got.astype(np.complex128 if got.dtype.kind == "c" else np.float64)
    want64 = want.astype(np.complex128 if want.dtype.kind == "c" else np.float64)
    bad_finite = ~np.isfinite(got64) & np.isfinite(want64)
    if bad_finite.any():
        index = tuple(int(i) for i in np.argwhere(bad_finite)[0])
        fail(
            _prefix(context)
            + Text(
                en="{what} contains {value} at index {index}, where {expected:.6g} was expected.",
                pt="{what} contém {value} no índice {index}, onde se esperava {expected:.6g}.",
            ).format(
                what=Text.coerce(what), value=got64[index], index=index, expected=want64[index]
            )
        )
    close = np.isclose(got64, want64, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        diff = np.where(close, 0.0, np.abs(got64 - want64))
        index = tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), diff.shape))
        wrong = int((~close).sum())
        fail(
            _prefix(context)
            + Text(
                en="{what} differs from the expected value in {wrong} of {total} entries; the largest difference is at index {index}: expected {expected:.6g}, got {got:.6g} (tolerance rtol={rtol:g}, atol={atol:g}).",
                pt="{what} difere do valor esperado em {wrong} de {total} entradas; a maior diferença está no índice {index}: esperado {expected:.6g}, obtido {got:.6g} (tolerância rtol={rtol:g}, atol={atol:g}).",
            ).format(
                what=Text.coerce(what),
                wrong=wrong,
                total=got64.size,
                index=index if index else "()",
                expected=want64[index].real if want64.size else float("nan"),
                got=got64[index].real if got64.size else float("nan"),
                rtol=rtol,
                atol=atol,
            )
        )
    return got


def expect_equal(
    actual: Any,
    expected: Any,
    *,
    what: Text | str = "the result",
    context: Text | str | None = LAST_CALL,
) -> None:
    """Exact equality of plain values (ints, strings, lists); arrays compare element-wise."""
    if isinstance(expected, np.ndarray) or isinstance(actual, np.ndarray):
        got = as_array(actual, what=what, context=context)
        if got.shape == np.shape(expected) and np.array_equal(got, expected):
            return
    elif (actual == expected and type(actual) is type(expected)) or (
        actual == expected and not isinstance(actual, bool) and not isinstance(expected, bool)
    ):
        return
    fail(
        _prefix(context)
        + Text(
            en="expected {what} to be {expected}, got {got}.",
            pt="esperava-se que {what} fosse {expected}, obteve-se {got}.",
        ).format(what=Text.coerce(what), expected=describe(expected), got=describe(actual))
    )


def expect_module(value: Any, call: Text | str = "the call") -> RemoteObject:
    """The value must be a model: a handle to a ``torch.nn.Module`` living in the worker."""
    if not isinstance(value, RemoteObject) or value.kind != "module":
        fail(
            Text(
                en="{call} should return a torch.nn.Module, got {got}.",
                pt="{call} deveria retornar um torch.nn.Module, obteve {got}.",
            ).format(call=Text.coerce(call), got=getattr(value, "type_name", type(value).__name__))
        )
    return value


def expect_raises(exception: str, function: Any, *args: Any, **kwargs: Any) -> None:
    """Call a remote function and require that it raises ``exception`` (or a subclass of it)."""
    call = call_repr(getattr(function, "name", "function"), args, kwargs)
    try:
        value = function(*args, **kwargs)
    except StudentRaised as raised:
        if raised.is_a(exception) and not raised.is_a("NotImplementedError"):
            return
        if raised.is_a("NotImplementedError"):
            raise
        fail(
            Text(
                en="{call} should raise {expected}, but it raised {got}: {message}.",
                pt="{call} deveria levantar {expected}, mas levantou {got}: {message}.",
            ).format(call=call, expected=exception, got=raised.exc_type, message=raised.exc_message)
        )
    fail(
        Text(
            en="{call} should raise {expected}, but it returned {got}.",
            pt="{call} deveria levantar {expected}, mas retornou {got}.",
        ).format(call=call, expected=exception, got=describe(value))
    )


def _expect_about(condition: bool, context: Any, template: Text, **values: Any) -> None:
    """``expect`` with the context prefixed after formatting (a call's text may hold braces)."""
    if not condition:
        fail(_prefix(context) + template.format(**values))


def expect_keys(
    value: Any, keys: Sequence[Any], *, what: Text | str = "the result", context: Any = LAST_CALL
) -> dict[Any, Any]:
    """A dict with exactly these keys (one entry per requested name, no more, no fewer)."""
    _expect_about(
        isinstance(value, dict),
        context,
        Text(
            en="{what} should be a dict, got {got}.", pt="{what} deveria ser um dict, obteve {got}."
        ),
        what=Text.coerce(what),
        got=describe(value),
    )
    _expect_about(
        set(value) == set(keys),
        context,
        Text(
            en="{what} should have exactly the keys {expected}; it has {got}.",
            pt="{what} deveria ter exatamente as chaves {expected}; tem {got}.",
        ),
        what=Text.coerce(what),
        expected=sorted(map(str, keys)),
        got=sorted(map(str, value)),
    )
    return value


def accuracy_partial(
    achieved: float,
    *,
    full: float,
    zero: float,
    what: Text | str,
    context: Any = LAST_CALL,
) -> Partial | None:
    """Full points at ``achieved >= full``, none at or below ``zero`` (set it at chance level or
    above: points below chance would pay a constant), linear in between. Returns the Partial to
    return from the check, or None when the bar is met."""
    if not zero < full:
        raise ValueError("accuracy_partial needs zero < full")
    if achieved >= full:
        return None
    message = _prefix(context) + Text(
        en="{what} is {achieved:.3f}; full points from {full:.3f}, none at {zero:.3f} or below.",
        pt="{what} é {achieved:.3f}; nota cheia a partir de {full:.3f}, nenhuma em {zero:.3f} ou abaixo.",
    ).format(what=Text.coerce(what), achieved=achieved, full=full, zero=zero)
    if not achieved > zero:
        fail(message)
    return Partial((achieved - zero) / (full - zero), message)


def expect_indices(value: Any, *, n: int, k: int, context: Any = LAST_CALL) -> np.ndarray:
    """``k`` distinct integer indices into ``range(n)`` (a selection of rows), as an int64 array."""
    array = as_array(value, what="the indices", context=context)
    _expect_about(
        array.ndim == 1 and array.shape[0] == k,
        context,
        Text(
            en="should return {k} indices, got shape {got}.",
            pt="deveria retornar {k} índices, obteve forma {got}.",
        ),
        k=k,
        got=tuple(array.shape),
    )
    _expect_about(
        array.dtype.kind in "iu" or bool(np.all(np.isfinite(array) & (array == np.round(array)))),
        context,
        Text(en="indices must be integers.", pt="índices devem ser inteiros."),
    )
    array = array.astype(np.int64)
    _expect_about(
        bool(np.all((array >= 0) & (array < n))),
        context,
        Text(
            en="every index must be in [0, {n}), got {got}.",
            pt="todo índice deve estar em [0, {n}), obteve {got}.",
        ),
        n=n,
        got=array.tolist(),
    )
    _expect_about(
        len(set(array.tolist())) == k,
        context,
        Text(
            en="the {k} indices must be distinct, got {got}.",
            pt="os {k} índices devem ser distintos, obteve {got}.",
        ),
        k=k,
        got=sorted(array.tolist()),
    )
    return array
