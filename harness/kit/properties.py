"""Generic properties, written once: determinism, inputs left untouched, a model left untouched.

Each is evidence only when the function also computes something: a check built on one of these
should ``requires=`` the correctness check of the same function (see :mod:`harness.kit.spec`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from harness.i18n import Text
from harness.kit.expect import LAST_CALL, _prefix
from harness.kit.spec import fail
from harness.remote.describe import describe, short_argument
from harness.remote.handles import RemoteFunction, RemoteObject

# ---------------------------------------------------------------------------------------------
# Comparing plain values exactly


def _plain(value: Any) -> Any:
    """Tensors as numpy arrays; everything else as it is."""
    if hasattr(value, "detach") and hasattr(value, "numpy"):
        return value.detach().cpu().numpy()
    return value


def first_difference(a: Any, b: Any, where: str = "") -> str | None:
    """Where two plain values differ ('' for the whole value), or None when they are identical
    (arrays bit for bit, NaN equal to NaN in the same place; handles compare by type only)."""
    a, b = _plain(a), _plain(b)
    if isinstance(a, np.ndarray | np.generic) or isinstance(b, np.ndarray | np.generic):
        if not isinstance(a, np.ndarray | np.generic) or not isinstance(b, np.ndarray | np.generic):
            return where or "the value"
        a_arr, b_arr = np.asarray(a), np.asarray(b)
        if a_arr.shape != b_arr.shape or a_arr.dtype != b_arr.dtype:
            return where or "the value"
        same = np.array_equal(a_arr, b_arr, equal_nan=a_arr.dtype.kind in "fc")
        return None if same else (where or "the value")
    if isinstance(a, RemoteObject) or isinstance(b, RemoteObject):
        same = isinstance(a, RemoteObject) and isinstance(b, RemoteObject)
        return None if same and a.type_name == b.type_name else (where or "the value")
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return where or "the keys"
        for key in a:
            found = first_difference(a[key], b[key], f"{where}[{key!r}]")
            if found is not None:
                return found
        return None
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        if type(a) is not type(b) or len(a) != len(b):
            return where or "the value"
        for index, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{where}[{index}]")
            if found is not None:
                return found
        return None
    if isinstance(a, float) and isinstance(b, float) and np.isnan(a) and np.isnan(b):
        return None
    try:
        same = type(a) is type(b) and bool(a == b)
    except Exception:
        same = False
    return None if same else (where or "the value")


# ---------------------------------------------------------------------------------------------
# Determinism


def expect_deterministic(
    function: RemoteFunction,
    *args: Any,
    compare: Callable[[Any], Any] | None = None,
    **kwargs: Any,
) -> Any:
    """Call ``function`` twice with the same arguments (a seed among them, usually); both calls
    must return the same value. Returns the first value. Models are compared by state_dict;
    ``compare`` picks the part the statement makes deterministic (``compare=lambda r: r[1]``)."""
    first = function(*args, **kwargs)
    call = function._session.last_function_call
    second = function(*args, **kwargs)
    pick = compare or (lambda value: value)
    where = first_difference(_comparable(pick(first)), _comparable(pick(second)))
    if where is not None:
        fail(
            Text(
                en="{call} was called twice with the same arguments and returned different results (they differ in {where}); with the same seed the result must be the same: seed every source of randomness you use from the seed argument.",
                pt="{call} foi chamada duas vezes com os mesmos argumentos e retornou resultados diferentes (diferem em {where}); com a mesma semente o resultado deve ser o mesmo: semeie toda fonte de aleatoriedade que usar a partir do argumento seed.",
            ).format(call=call, where=where)
        )
    return first


def _comparable(value: Any) -> Any:
    if isinstance(value, RemoteObject) and value.kind == "module":
        return {"state_dict": value.state_dict()}
    if isinstance(value, tuple | list):
        return type(value)(_comparable(v) for v in value)
    return value


# ---------------------------------------------------------------------------------------------
# Inputs left as they were


def _argument_label(index: int | str, value: Any) -> str:
    if isinstance(index, str):
        return f"{index}={short_argument(value)}"
    return f"argument {index + 1} ({short_argument(value)})"


def expect_inputs_untouched(function: RemoteFunction, *args: Any, **kwargs: Any) -> Any:
    """Call ``function`` and require that every array, tensor, list or dict argument is left
    exactly as it was passed (no in-place modification). Returns the function's value."""
    result, args_after, kwargs_after = function.call_with_inputs(*args, **kwargs)
    call = function._session.last_function_call
    pairs: list[tuple[int | str, Any, Any]] = [
        (i, before, after) for i, (before, after) in enumerate(zip(args, args_after))
    ]
    pairs += [(k, kwargs[k], kwargs_after.get(k)) for k in kwargs]
    for index, before, after in pairs:
        if isinstance(before, RemoteObject):
            continue
        if first_difference(before, after) is not None:
            fail(
                Text(
                    en="{call} modified {argument} in place; it was {before} and afterwards {after}. Work on a copy (x = x.copy() / x.clone()) or build new arrays.",
                    pt="{call} modificou {argument} no próprio objeto; era {before} e depois ficou {after}. Trabalhe numa cópia (x = x.copy() / x.clone()) ou crie novos arrays.",
                ).format(
                    call=call,
                    argument=_argument_label(index, before),
                    before=describe(before),
                    after=describe(after),
                )
            )
    return result


# ---------------------------------------------------------------------------------------------
# A model left as it was


@dataclass(frozen=True)
class ModelSnapshot:
    """What a function must not change on a model it was given."""

    state: dict[str, Any]
    modes: dict[str, bool]
    hooks: dict[str, int]
    requires_grad: dict[str, bool]
    has_grad: dict[str, bool]


def model_snapshot(model: RemoteObject) -> ModelSnapshot:
    """Take before calling: parameters and buffers (bit for bit), train/eval modes, hooks,
    requires_grad flags and which parameters hold a .grad."""
    summary = model.summary()
    modes, hooks, requires_grad, has_grad = {}, {}, {}, {}
    for row in summary["modules"]:
        name = row["name"] or "<root>"
        modes[name] = row["training"]
        hooks[name] = row["forward_hooks"] + row["forward_pre_hooks"] + row["backward_hooks"]
        for parameter in row["parameters"]:
            key = f"{row['name']}.{parameter['name']}".lstrip(".")
            requires_grad[key] = parameter["requires_grad"]
            has_grad[key] = parameter["has_grad"]
    state = model.state_dict()
    return ModelSnapshot(state, modes, hooks, requires_grad, has_grad)


def _changed_entries(before: dict[str, Any], after: Any) -> list[str]:
    if not isinstance(after, dict):
        return ["<state_dict is not a dict>"]
    changed = sorted(set(before) ^ set(after))
    changed += [k for k in before if k in after and first_difference(before[k], after[k])]
    return changed


def expect_model_untouched(
    model: RemoteObject,
    before: ModelSnapshot,
    *,
    context: Any = LAST_CALL,
    weights: bool = True,
    modes: bool = True,
    hooks: bool = True,
    flags: bool = True,
) -> None:
    """After a call, the model must be as :func:`model_snapshot` saw it: same parameters and
    buffers, same modes, no hook left behind, same requires_grad, no new .grad."""
    after = model_snapshot(model)
    prefix = _prefix(context)
    if weights:
        changed = _changed_entries(before.state, after.state)
        if changed:
            fail(
                prefix
                + Text(
                    en="the model's state_dict changed in {keys}; leave weights and buffers (e.g. BatchNorm running statistics) exactly as they were.",
                    pt="o state_dict do modelo mudou em {keys}; deixe pesos e buffers (ex.: estatísticas do BatchNorm) exatamente como estavam.",
                ).format(keys=changed[:6])
            )
    if modes:
        flipped = [n for n in before.modes if after.modes.get(n) != before.modes[n]]
        if flipped:
            fail(
                prefix
                + Text(
                    en="the train/eval mode of some modules changed: {changes}; put every module back in the mode it was in.",
                    pt="o modo train/eval de alguns módulos mudou: {changes}; devolva cada módulo ao modo em que estava.",
                ).format(
                    changes=", ".join(
                        f"'{n}' {'train' if before.modes[n] else 'eval'} -> "
                        f"{'train' if after.modes.get(n) else 'eval'}"
                        for n in flipped[:6]
                    )
                )
            )
    if hooks:
        left = {n: c - before.hooks.get(n, 0) for n, c in after.hooks.items()}
        left = {n: c for n, c in left.items() if c > 0}
        if left:
            fail(
                prefix
                + Text(
                    en="hooks are still registered on {left} (module: number of hooks); remove every hook you register (handle.remove()).",
                    pt="ainda há hooks registrados em {left} (módulo: número de hooks); remova todo hook que registrar (handle.remove()).",
                ).format(left=left)
            )
    if flags:
        toggled = [
            k for k in before.requires_grad if after.requires_grad.get(k) != before.requires_grad[k]
        ]
        if toggled:
            fail(
                prefix
                + Text(
                    en="requires_grad changed on {names}; restore every flag you change.",
                    pt="requires_grad mudou em {names}; restaure toda flag que alterar.",
                ).format(names=toggled[:6])
            )
        grads = [k for k in before.has_grad if after.has_grad.get(k) and not before.has_grad[k]]
        if grads:
            fail(
                prefix
                + Text(
                    en="the parameters {names} now hold a .grad that was not there before; run the model under torch.no_grad() (or zero and drop the gradients you create).",
                    pt="os parâmetros {names} agora têm um .grad que não existia antes; rode o modelo sob torch.no_grad() (ou descarte os gradientes que criar).",
                ).format(names=grads[:6])
            )


def load_returned_weights(returned: Any, model: Any, *, call: str) -> Any:
    """Load the state_dict of a model the student returned (a handle) into the judge's own copy
    of the network it was given, so that accuracy, gradients or attacks are computed judge-side.
    Fails, saying which tensors differ, when the returned model is not that network."""
    expected = model.state_dict()
    state = returned.state_dict()
    tensors = isinstance(state, dict) and all(hasattr(v, "dtype") for v in state.values())
    if not tensors or set(state) != set(expected):
        fail(
            Text(
                en="{call} should return the network it was given (same architecture), so that its state_dict holds the tensors {expected}; got {got}.",
                pt="{call} deveria retornar a rede recebida (mesma arquitetura), para que seu state_dict tenha os tensores {expected}; obteve {got}.",
            ).format(
                call=call,
                expected=sorted(expected),
                got=sorted(state) if isinstance(state, dict) else describe(state),
            )
        )
    try:
        model.load_state_dict({k: v.to(expected[k].dtype) for k, v in state.items()})
    except RuntimeError as error:
        fail(
            Text(
                en="{call}: the returned state_dict does not fit the network it was given: {error}",
                pt="{call}: o state_dict retornado não cabe na rede recebida: {error}",
            ).format(call=call, error=str(error)[:300])
        )
    return model
