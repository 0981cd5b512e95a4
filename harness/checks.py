"""The API for writing graders: named property checks with clear failure messages.

A grader module (``graders/ID.py``) is a list of functions decorated with :func:`check`, in the
spirit of scikit-learn's ``estimator_checks``: one function per property, a precise message when it
does not hold. Each check receives a :class:`CheckContext` whose ``student`` and ``reference``
attributes reach the submission and the reference solution through worker processes::

    @check("1.1", points=2, category="leakage")
    def check_train_output_ignores_test_set(ctx):
        X_train = ctx.rng.normal(size=(30, 4))
        first, _ = ctx.student.standardize_without_leakage(X_train, ctx.rng.normal(size=(5, 4)))
        second, _ = ctx.student.standardize_without_leakage(X_train, 100 + ctx.rng.normal(size=(9, 4)))
        expect_close(second, first, what="X_train_std", context="...")

A check passes when it returns; it fails with :func:`fail` (or any ``expect_*`` helper), or when
the student's code raises, hangs or dies, which the harness explains by itself. Graders never import
student code: they only see plain data and handles.
"""

from __future__ import annotations

import base64
import inspect
import io
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from harness import messages
from harness.i18n import Text
from harness.judge.describe import call_repr, describe
from harness.judge.errors import ReferenceUnavailable, SubmissionProblem
from harness.judge.handles import RemoteModule, RemoteObject

# standard figures for the report (graders import only this module): bars student vs reference,
# curves (learning rate, training), loss surfaces
from harness.plots import bars_vs_reference, curves, loss_surface
from harness.records import CATEGORIES, Artifact, Localized

__all__ = [
    "CheckContext",
    "CheckFailed",
    "CheckSpec",
    "GraderSettings",
    "Partial",
    "RemoteObject",
    "RubricSpec",
    "SubmissionProblem",
    "Text",
    "as_array",
    "bars_vs_reference",
    "call_repr",
    "check",
    "curves",
    "describe",
    "expect",
    "expect_close",
    "expect_equal",
    "expect_module",
    "expect_raises",
    "expect_shape",
    "fail",
    "for_all",
    "loss_surface",
    "rubric",
]


# ---------------------------------------------------------------------------------------------
# Declaring checks, rubric items and settings


@dataclass(frozen=True)
class CheckSpec:
    name: str
    exercise: str
    points: float
    category: str
    hidden: bool
    timeout: float | None
    title: Text | None
    function: Callable[[CheckContext], Any] = field(compare=False)

    def __call__(self, ctx: CheckContext) -> Any:
        return self.function(ctx)


def check(
    exercise: str,
    points: float,
    category: str,
    *,
    hidden: bool = True,
    timeout: float | None = None,
    title: Text | None = None,
) -> Callable[[Callable[[CheckContext], Any]], CheckSpec]:
    """Declare a check. ``hidden=False`` makes it public (students run it with ``grade check``).

    ``timeout`` is the wall-clock budget of each call the check makes into student code.
    """
    if category not in CATEGORIES or category == "rubric":
        raise ValueError(f"unknown check category {category!r}; use one of {CATEGORIES[:-1]}")
    if points <= 0:
        raise ValueError("a check must be worth a positive number of points")

    def decorate(function: Callable[[CheckContext], Any]) -> CheckSpec:
        if len(inspect.signature(function).parameters) != 1:
            raise TypeError(f"check {function.__name__} must take exactly one argument (ctx)")
        return CheckSpec(
            name=function.__name__,
            exercise=exercise,
            points=float(points),
            category=category,
            hidden=hidden,
            timeout=timeout,
            title=title,
            function=function,
        )

    return decorate


@dataclass(frozen=True)
class RubricSpec:
    """A written part scored by a TA (the discussion of a starred exercise)."""

    name: str
    exercise: str
    points: float
    prompt: Text


def rubric(exercise: str, name: str, points: float, prompt: Text) -> RubricSpec:
    if points <= 0:
        raise ValueError("a rubric item must be worth a positive number of points")
    return RubricSpec(name=name, exercise=exercise, points=float(points), prompt=prompt)


@dataclass(frozen=True)
class GraderSettings:
    """Per-assignment budgets; module-level ``SETTINGS = GraderSettings(...)`` in a grader."""

    import_timeout_s: float = 30.0
    #: notebooks usually run experiments in top-level cells, so loading one may take longer
    notebook_import_timeout_s: float = 120.0
    call_timeout_s: float = 20.0
    submission_budget_s: float = 300.0
    memory_mb: int = 4096


# ---------------------------------------------------------------------------------------------
# Failing


class CheckFailed(AssertionError):
    """The property does not hold; ``text`` says why, in both languages."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


@dataclass(frozen=True)
class Partial:
    """Returned by a check that earns part of its points (``fraction`` in [0, 1])."""

    fraction: float
    text: Text


def fail(en: str | Text, pt: str | None = None, **values: Any) -> None:
    """Fail the check: ``fail(en="... {x}", pt="... {x}", x=...)`` or ``fail(Text(...))``."""
    if isinstance(en, Text):
        text = en
    else:
        text = Text(en=en, pt=pt if pt is not None else en)
    raise CheckFailed(text.format(**values) if values else text)


def expect(condition: bool, en: str | Text, pt: str | None = None, **values: Any) -> None:
    """Fail with the message unless ``condition`` holds."""
    if not condition:
        fail(en, pt, **values)


def _prefix(context: Text | str | None) -> Text:
    if context is None or context == "":
        return Text.same("")
    return Text.coerce(context) + Text.same(": ")


def as_array(
    value: Any, *, what: Text | str = "the result", context: Text | str | None = None
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
    context: Text | str | None = None,
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
    context: Text | str | None = None,
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
    context: Text | str | None = None,
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
    from harness.judge.errors import StudentRaised

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


# ---------------------------------------------------------------------------------------------
# Property generation (Hypothesis), derandomised


def for_all(
    strategy: Any,
    prop: Callable[[Any], None],
    *,
    examples: int = 20,
    show: Callable[[Any], Text | str] | None = None,
) -> None:
    """Run ``prop`` on examples drawn from a Hypothesis ``strategy``; derandomised, so the same
    submission always sees the same inputs. On failure, Hypothesis shrinks the input and the
    smallest failing one is appended to the message."""
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings

    failures: list[tuple[Any, BaseException]] = []

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        report_multiple_bugs=False,
    )
    @given(strategy)
    def run(example: Any) -> None:
        try:
            prop(example)
        except (CheckFailed, SubmissionProblem) as exc:
            failures.append((example, exc))
            raise

    try:
        run()
    except BaseException as exc:  # hypothesis re-raises the shrunk failure (possibly wrapped)
        if not failures:
            raise
        example, error = failures[-1]
        if isinstance(error, SubmissionProblem) and error.fatal:
            raise error from None
        base = error.text if isinstance(error, CheckFailed) else error.explain()
        shown = show(example) if show else describe(example)
        raise CheckFailed(
            base + messages.SMALLEST_COUNTEREXAMPLE.format(example=Text.coerce(shown))
        ) from exc


# ---------------------------------------------------------------------------------------------
# The context a check runs in


def stable_seed(*parts: str) -> int:
    """A seed that depends only on names (never on Python's hash randomisation)."""
    return zlib.crc32("/".join(parts).encode()) & 0x7FFFFFFF


class CheckContext:
    """What a check can use: the student, the reference, seeded randomness, attachments."""

    def __init__(
        self,
        *,
        student: RemoteModule,
        reference: RemoteModule | None,
        seed: int,
        device: str = "cpu",
        assignment: str = "",
    ) -> None:
        self.student = student
        self._reference = reference
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.device = device
        self.assignment = assignment
        self.artifacts: list[Artifact] = []

    @property
    def reference(self) -> RemoteModule:
        if self._reference is None:
            raise ReferenceUnavailable("public checks cannot use the reference solution")
        return self._reference

    @property
    def has_reference(self) -> bool:
        return self._reference is not None

    def on_device(self, value: Any) -> Any:
        """A judge-side tensor or model moved to the run's device (``grade all --device cuda``)."""
        return value.to(self.device) if hasattr(value, "to") else value

    def torch_generator(self) -> Any:
        import torch

        return torch.Generator().manual_seed(self.seed)

    def attach_png(self, title: Text | str, png: bytes) -> None:
        if not png.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ValueError("attach_png expects PNG bytes")
        title = Text.coerce(title)
        self.artifacts.append(
            Artifact(
                kind="image/png",
                title=Localized(**{"pt-BR": title.pt, "en": title.en}),
                data_base64=base64.b64encode(png).decode(),
            )
        )

    def attach_figure(self, title: Text | str, figure: Any) -> None:
        """Attach a judge-side matplotlib figure (rendered to PNG, then closed)."""
        import matplotlib.pyplot as plt

        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
        plt.close(figure)
        self.attach_png(title, buffer.getvalue())

    def attach_table(self, title: Text | str, columns: list[str], rows: list[list[Any]]) -> None:
        title = Text.coerce(title)
        self.artifacts.append(
            Artifact(
                kind="table",
                title=Localized(**{"pt-BR": title.pt, "en": title.en}),
                columns=columns,
                rows=[[_cell(v) for v in row] for row in rows],
            )
        )


def _cell(value: Any) -> str | float | int | None:
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return str(value)
