"""The one face graders import: the check kit (v2).

A grader module (``graders/ID.py``) is a list of functions decorated with :func:`check`, in the
spirit of scikit-learn's ``estimator_checks``: one function per property, a precise message when it
does not hold. Each check receives a :class:`CheckContext` whose ``student`` and ``reference``
reach the submission and the reference solution through worker processes::

    @check("1.1", points=2, category="leakage", requires=check_standardize_matches_reference)
    def check_train_output_ignores_test_set(ctx):
        X_train = ctx.rng.normal(size=(30, 4))
        first, _ = ctx.student.standardize_without_leakage(X_train, ctx.rng.normal(size=(5, 4)))
        second, _ = ctx.student.standardize_without_leakage(X_train, 9 + ctx.rng.normal(size=(9, 4)))
        expect_close(second, first, what="X_train_std")   # names the last student call itself

What the kit does before a check sees anything:

* every value a student function returns is validated against the assignment's **contract**
  (the reference's signatures, refined by the grader's ``CONTRACT = refine(...)``); a mismatch
  fails the check with "`f(...)` returned <what>; the contract says <type>";
* a check whose ``requires=`` did not pass earns 0, "not assessed", so an invariance or side-effect
  property never pays a function that computes nothing.

Generic properties (:func:`expect_deterministic`, :func:`expect_inputs_untouched`,
:func:`expect_model_untouched`), :func:`accuracy_partial`, property generation (:func:`for_all`),
shared fixtures (:mod:`harness.fixtures`) and worker probes (:mod:`harness.probes`) are here too.
Graders never import student code: they only see plain data and handles.
"""

from __future__ import annotations

from harness.fixtures import (
    DigitsSplit,
    accuracy,
    digits,
    fixture,
    load_or_build,
    train_classifier,
)
from harness.i18n import Text
from harness.kit.context import CheckContext, current, stable_seed
from harness.kit.contract import (
    CALLABLE,
    FIGURE,
    MODULE,
    OBJECT,
    Array,
    ContractViolation,
    DictOf,
    HandleOf,
    Keys,
    ListOf,
    Tuple,
    Union,
    refine,
)
from harness.kit.expect import (
    LAST_CALL,
    accuracy_partial,
    as_array,
    expect_close,
    expect_equal,
    expect_indices,
    expect_keys,
    expect_module,
    expect_raises,
    expect_shape,
)
from harness.kit.generate import for_all
from harness.kit.properties import (
    ModelSnapshot,
    expect_deterministic,
    expect_inputs_untouched,
    expect_model_untouched,
    first_difference,
    load_returned_weights,
    model_snapshot,
)
from harness.kit.spec import (
    CheckFailed,
    CheckSpec,
    GraderSettings,
    NotAssessed,
    Partial,
    RubricSpec,
    assess_only_if,
    check,
    expect,
    fail,
    not_assessed,
    rubric,
)

# standard figures for the report: bars student vs reference, curves, loss surfaces
from harness.plots import bars_vs_reference, curves, loss_surface
from harness.remote.describe import call_repr, describe
from harness.remote.errors import StudentRaised, SubmissionProblem
from harness.remote.handles import RemoteObject

__all__ = [
    "CALLABLE",
    "FIGURE",
    "LAST_CALL",
    "MODULE",
    "OBJECT",
    "Array",
    "CheckContext",
    "CheckFailed",
    "CheckSpec",
    "ContractViolation",
    "DictOf",
    "DigitsSplit",
    "GraderSettings",
    "HandleOf",
    "Keys",
    "ListOf",
    "ModelSnapshot",
    "NotAssessed",
    "Partial",
    "RemoteObject",
    "RubricSpec",
    "StudentRaised",
    "SubmissionProblem",
    "Text",
    "Tuple",
    "Union",
    "accuracy",
    "accuracy_partial",
    "as_array",
    "assess_only_if",
    "bars_vs_reference",
    "call_repr",
    "check",
    "current",
    "curves",
    "describe",
    "digits",
    "expect",
    "expect_close",
    "expect_deterministic",
    "expect_equal",
    "expect_indices",
    "expect_inputs_untouched",
    "expect_keys",
    "expect_model_untouched",
    "expect_module",
    "expect_raises",
    "expect_shape",
    "fail",
    "first_difference",
    "fixture",
    "for_all",
    "load_or_build",
    "load_returned_weights",
    "loss_surface",
    "model_snapshot",
    "not_assessed",
    "refine",
    "rubric",
    "stable_seed",
    "train_classifier",
]
