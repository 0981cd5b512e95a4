"""Declaring checks, rubric items and settings, and how a check fails or earns part of its points.

A check may declare what it presupposes: ``requires=`` names checks (declared earlier in the
grader) whose properties must hold first. An invariance, determinism or side-effect property is
evidence only when the function also computes something, so such a check names the correctness
check of its function; when a requirement failed, the check earns 0 and says "not assessed".
Inside a check, :func:`not_assessed` does the same for a presupposition tested on the spot (the
output is not constant, the model trained at all).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from harness.i18n import Text
from harness.records import CATEGORIES

if TYPE_CHECKING:
    from harness.kit.context import CheckContext


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
    #: names of checks that must pass before this one is assessed
    requires: tuple[str, ...] = ()

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
    requires: CheckSpec | str | Sequence[CheckSpec | str] = (),
) -> Callable[[Callable[[CheckContext], Any]], CheckSpec]:
    """Declare a check. ``hidden=False`` makes it public (students run it with ``grade check``).

    ``timeout`` is the wall-clock budget of each call the check makes into student code;
    ``requires`` the checks (objects or names, declared earlier) that must pass first.
    """
    if category not in CATEGORIES or category == "rubric":
        raise ValueError(f"unknown check category {category!r}; use one of {CATEGORIES[:-1]}")
    if points <= 0:
        raise ValueError("a check must be worth a positive number of points")
    needed = [requires] if isinstance(requires, CheckSpec | str) else list(requires)
    names = tuple(r.name if isinstance(r, CheckSpec) else str(r) for r in needed)
    for requirement in needed:
        if isinstance(requirement, CheckSpec) and requirement.hidden and not hidden:
            raise ValueError(
                f"a public check cannot require the hidden check {requirement.name} "
                "(students run public checks without the hidden ones)"
            )

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
            requires=names,
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
    #: a student's call gets this many times the reference's time for the same call (``grade all``
    #: measures it once per grader version), at least ``budget_floor_s`` and at most the call
    #: timeout above; 0 turns the derivation off
    budget_factor: float = 20.0
    budget_floor_s: float = 1.0


# ---------------------------------------------------------------------------------------------
# Failing


class CheckFailed(AssertionError):
    """The property does not hold; ``text`` says why, in both languages."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.en)
        self.text = text


class NotAssessed(CheckFailed):
    """What the check presupposes does not hold, so its property was not assessed (0 points)."""

    PREFIX = Text(en="Not assessed: ", pt="Não avaliado: ")

    def __init__(self, reason: Text) -> None:
        super().__init__(self.PREFIX + reason)
        self.reason = reason


@dataclass(frozen=True)
class Partial:
    """Returned by a check that earns part of its points (``fraction`` in [0, 1])."""

    fraction: float
    text: Text


def _text(en: str | Text, pt: str | None, values: dict[str, Any]) -> Text:
    text = en if isinstance(en, Text) else Text(en=en, pt=pt if pt is not None else en)
    return text.format(**values) if values else text


def fail(en: str | Text, pt: str | None = None, **values: Any) -> None:
    """Fail the check: ``fail(en="... {x}", pt="... {x}", x=...)`` or ``fail(Text(...))``."""
    raise CheckFailed(_text(en, pt, values))


def expect(condition: bool, en: str | Text, pt: str | None = None, **values: Any) -> None:
    """Fail with the message unless ``condition`` holds."""
    if not condition:
        fail(en, pt, **values)


def not_assessed(en: str | Text, pt: str | None = None, **values: Any) -> None:
    """Stop the check with 0 points: what it presupposes does not hold (say which property)."""
    raise NotAssessed(_text(en, pt, values))


def assess_only_if(condition: bool, en: str | Text, pt: str | None = None, **values: Any) -> None:
    """:func:`not_assessed` unless ``condition`` holds (e.g. the output is not constant)."""
    if not condition:
        not_assessed(en, pt, **values)
