"""Submissions generated from an assignment's contract alone: trivial ones (that must earn at
most 5% of the automatic points) and hostile return values (that must never crash a grader).

Nothing here knows an assignment: the contract names come from the reference's top-level public
functions and classes (:func:`harness.kit.contract.read_contract`), so every future assignment is
covered without editing this file.

Each submission is the reference followed by overrides. An override that needs to know the shape
of an answer calls the reference on *copies* of the arguments and transforms what it returns (so
nothing the check passes in is modified): that is the honest way to return "zeros of the
reference's shape" for whatever input a check chose.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from harness.kit.contract import read_contract

TRIVIAL = ("zeros", "identity", "constant")
HOSTILE = ("none", "string", "object", "wrong_rank", "nan", "missing_key", "generator")

# Runs inside the worker, appended to the reference. Transforms of a reference answer.
PRELUDE = r'''
# ---- generated degenerate submission ----
import copy as _dg_copy
import functools as _dg_functools


def _dg_is_tensor(value):
    import torch

    return isinstance(value, torch.Tensor)


def _dg_fresh_model(model, train):
    """A new model of the same class: built with no arguments where the class allows it (an
    empty Sequential), else a copy with every layer re-initialised. Never the reference's
    architecture as a gift: a function whose answer *is* an untrained architecture must not be
    matched by its trivial version."""
    import torch

    try:
        fresh = type(model)()
    except Exception:
        fresh = None
    if fresh is None or not isinstance(fresh, torch.nn.Module):
        fresh = _dg_copy.deepcopy(model)
        generator_state = torch.random.get_rng_state()
        torch.manual_seed(12345)
        for module in fresh.modules():
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()
        torch.random.set_rng_state(generator_state)
        fresh.requires_grad_(True)
    return fresh.train(train)


def _dg_map(value, leaf):
    """Rebuild containers; apply ``leaf`` to everything else."""
    if isinstance(value, dict):
        return {k: _dg_map(v, leaf) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_dg_map(v, leaf) for v in value)
    if isinstance(value, list):
        return [_dg_map(v, leaf) for v in value]
    return leaf(value)


def _dg_zero_leaf(value):
    import numpy
    import torch

    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0
    if isinstance(value, float):
        return 0.0
    if isinstance(value, str):
        return ""
    if isinstance(value, numpy.ndarray | numpy.generic):
        return numpy.zeros_like(value)
    if _dg_is_tensor(value):
        return torch.zeros_like(value.detach())
    if isinstance(value, torch.nn.Module):
        return _dg_fresh_model(value, train=value.training)
    if _dg_is_figure(value):
        import matplotlib.pyplot

        return matplotlib.pyplot.figure()
    if callable(value):
        return lambda *args, **kwargs: 0.0
    return value


def _dg_constant_leaf(value):
    import numpy
    import torch

    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return 1
    if isinstance(value, float):
        return 0.5
    if isinstance(value, str):
        return "constant"
    if isinstance(value, numpy.ndarray | numpy.generic):
        if value.dtype.kind in "iu":
            return numpy.arange(value.size, dtype=value.dtype).reshape(value.shape)
        return numpy.full_like(value, 0.5)
    if _dg_is_tensor(value):
        if not value.is_floating_point():
            return torch.arange(value.numel(), dtype=value.dtype).reshape(value.shape)
        return torch.full_like(value.detach(), 0.5)
    if isinstance(value, torch.nn.Module):
        return _dg_fresh_model(value, train=False)
    if callable(value):
        return lambda *args, **kwargs: 0.5
    return _dg_zero_leaf(value)


def _dg_is_figure(value):
    import sys

    figure = sys.modules.get("matplotlib.figure")
    return figure is not None and isinstance(value, figure.Figure)


def _dg_wrong_rank_leaf(value):
    import numpy

    if isinstance(value, numpy.ndarray | numpy.generic):
        return numpy.asarray(value)[None]
    if _dg_is_tensor(value):
        return value.detach().unsqueeze(0)
    return value


def _dg_nan_leaf(value):
    import numpy
    import torch

    if isinstance(value, float):
        return float("nan")
    if isinstance(value, numpy.ndarray | numpy.generic) and value.dtype.kind == "f":
        return numpy.full_like(value, numpy.nan)
    if _dg_is_tensor(value) and value.is_floating_point():
        return torch.full_like(value.detach(), float("nan"))
    if isinstance(value, torch.nn.Module):
        value = _dg_copy.deepcopy(value)
        with torch.no_grad():
            for parameter in value.parameters():
                parameter.fill_(float("nan"))
        return value
    return value


def _dg_drop_key(value):
    if isinstance(value, dict):
        return dict(list(value.items())[1:])
    return {}


class _DgAnything:
    """Equal to everything, an array of anything, every attribute is itself."""

    def __eq__(self, other):
        return True

    __hash__ = object.__hash__

    def __getattr__(self, name):
        return self

    def __array__(self, *args, **kwargs):
        import numpy

        return numpy.zeros(3)

    def __len__(self):
        return 3

    def __iter__(self):
        return iter([self, self, self])


def _dg_copies(args, kwargs):
    try:
        return _dg_copy.deepcopy(args), _dg_copy.deepcopy(kwargs)
    except Exception:
        return args, kwargs


def _dg_wrap(reference, transform):
    """A function with the reference's signature that returns transform(reference on copies)."""

    @_dg_functools.wraps(reference)
    def wrapper(*args, **kwargs):
        copied_args, copied_kwargs = _dg_copies(args, kwargs)
        return transform(reference(*copied_args, **copied_kwargs))

    return wrapper


def _dg_identity(reference, fallback):
    @_dg_functools.wraps(reference)
    def wrapper(*args, **kwargs):
        if args:
            return args[0]
        if kwargs:
            return next(iter(kwargs.values()))
        return fallback(reference())

    return wrapper


def _dg_fixed(reference, value_factory):
    @_dg_functools.wraps(reference)
    def wrapper(*args, **kwargs):
        return value_factory()

    return wrapper


def _dg_subclass(cls, make_method):
    """A subclass whose every public method (defined on cls) is replaced by make_method(method)."""
    namespace = {}
    for name, member in vars(cls).items():
        if callable(member) and not name.startswith("_"):
            namespace[name] = make_method(member)
    return type(cls.__name__, (cls,), namespace)
'''

TRANSFORMS = {
    "zeros": "lambda value: _dg_map(value, _dg_zero_leaf)",
    "constant": "lambda value: _dg_map(value, _dg_constant_leaf)",
    "wrong_rank": "lambda value: _dg_map(value, _dg_wrong_rank_leaf)",
    "nan": "lambda value: _dg_map(value, _dg_nan_leaf)",
    "missing_key": "_dg_drop_key",
}
FIXED = {
    "none": "lambda: None",
    "string": "lambda: 'not a result'",
    "object": "_DgAnything",
    "generator": "lambda: (i for i in range(3))",
}


def _public_classes(source: str) -> set[str]:
    return {
        node.name
        for node in ast.parse(source).body
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_")
    }


def _function_override(name: str, variant: str) -> str:
    if variant == "identity":
        return f"{name} = _dg_identity({name}, lambda value: _dg_map(value, _dg_zero_leaf))\n"
    if variant in FIXED:
        return f"{name} = _dg_fixed({name}, {FIXED[variant]})\n"
    return f"{name} = _dg_wrap({name}, {TRANSFORMS[variant]})\n"


def _class_override(name: str, variant: str) -> str:
    """Trivial classes keep their constructor and trivialise their methods; hostile ones are
    replaced by a factory returning the hostile value."""
    if variant in FIXED:
        return f"{name} = _dg_fixed({name}, {FIXED[variant]})\n"
    if variant in TRANSFORMS:
        return f"{name} = _dg_subclass({name}, lambda method: _dg_wrap(method, {TRANSFORMS[variant]}))\n"
    # identity: methods return their first argument after self (forward(x) -> x)
    return (
        f"{name} = _dg_subclass({name}, lambda method: _dg_functools.wraps(method)("
        f"lambda self, *args, **kwargs: args[0] if args else _dg_map(method(self), _dg_zero_leaf)))\n"
    )


def degenerate_source(reference: str, variant: str) -> str:
    """The reference with every contract name overridden by the ``variant`` behaviour."""
    contract = read_contract(reference)
    classes = _public_classes(reference)
    overrides = [
        _class_override(name, variant) if name in classes else _function_override(name, variant)
        for name in contract.names
    ]
    return reference + PRELUDE + "\n" + "".join(overrides)


@dataclass(frozen=True)
class Degenerate:
    assignment: str
    variant: str

    @property
    def id(self) -> str:
        return f"{self.assignment}/{self.variant}"

    @property
    def trivial(self) -> bool:
        return self.variant in TRIVIAL
