# Public checks for ch01_fundamentals, released by `grade release` (do not edit).
# Run them with:  grade check ch01_fundamentals ch01_fundamentals.py
"""Grader for ch01_fundamentals (PCS 5022, chapter 1: fundamentals).

Public checks (outside the HIDDEN regions) are released to students in
``assignments/ch01_fundamentals/public_checks.py``; hidden ones never leave the instructor's copy.
"""

from __future__ import annotations

import numpy as np

from harness.checks import (
    CheckContext,
    GraderSettings,
    Text,
    check,
    expect,
    expect_close,
    expect_equal,
    expect_shape,
    fail,
    rubric,
)

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=20.0, submission_budget_s=240.0)

LEAKAGE_DISCUSSION = rubric(
    "1.1",
    "leakage_discussion",
    2,
    Text(
        en="Explain why standardising before the split is leakage and interpret the two accuracies of leakage_experiment.",
        pt="Explique por que padronizar antes da divisão é vazamento e interprete as duas acurácias de leakage_experiment.",
    ),
)


# ---------------------------------------------------------------------------------------------
# Public checks: small known answers, no reference needed.


@check("1.1", points=1, category="correctness", hidden=False)
def check_standardize_small_example(ctx: CheckContext) -> None:
    """A 3-sample example worked out by hand, including a constant column."""
    X_train = np.array([[1.0, 2.0], [3.0, 2.0], [5.0, 2.0]])
    X_test = np.array([[3.0, 4.0]])
    train_std, test_std = ctx.student.standardize_without_leakage(X_train, X_test)
    s = np.sqrt(8.0 / 3.0)
    expect_close(
        train_std,
        [[-2 / s, 0.0], [0.0, 0.0], [2 / s, 0.0]],
        what="X_train_std",
        context=ctx.student.last_call,
    )
    expect_close(test_std, [[0.0, 2.0]], what="X_test_std", context=ctx.student.last_call)


@check("1.2", points=1, category="correctness", hidden=False)
def check_class_statistics_small_example(ctx: CheckContext) -> None:
    X = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 10.0], [10.0, 14.0], [10.0, 12.0]])
    y = np.array([5, 5, 1, 1, 1])
    stats = ctx.student.class_statistics(X, y)
    expect(
        isinstance(stats, dict),
        en="class_statistics must return a dict, got {got}.",
        pt="class_statistics deve retornar um dict, obteve {got}.",
        got=type(stats).__name__,
    )
    expect_close(
        stats.get("global_mean"), [6.4, 7.2], what='"global_mean"', context=ctx.student.last_call
    )
    expect_close(
        stats.get("class_means"),
        [[10.0, 12.0], [1.0, 0.0]],
        what='"class_means" (order of np.unique(y): 1, 5)',
        context=ctx.student.last_call,
    )
    farthest = np.asarray(stats.get("farthest_index"))
    expect(
        farthest.shape == (2,) and farthest[0] in (2, 3) and farthest[1] in (0, 1),
        en='"farthest_index" should be [2 or 3, 0 or 1] (row indices into X), got {got}.',
        pt='"farthest_index" deveria ser [2 ou 3, 0 ou 1] (índices de linha em X), obteve {got}.',
        got=farthest.tolist(),
    )


@check("1.3", points=1, category="shape", hidden=False)
def check_project_2d_shape_public(ctx: CheckContext) -> None:
    X = np.arange(60, dtype=float).reshape(10, 6) ** 1.5
    expect_shape(
        ctx.student.project_2d(X), (10, 2), what="project_2d(X)", context=ctx.student.last_call
    )


@check("1.5", points=1, category="correctness", hidden=False)
def check_closed_form_square_system(ctx: CheckContext) -> None:
    X = np.array([[2.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 3.0]])
    Y = np.array([1.0, 2.0, 3.0])
    W = ctx.student.fit_linear_closed_form(X, Y)
    expect_close(
        W, np.linalg.solve(X, Y), what="W", context=ctx.student.last_call, rtol=1e-6, atol=1e-8
    )


@check("1.6", points=1, category="correctness", hidden=False)
def check_coreset_returns_k_distinct_indices(ctx: CheckContext) -> None:
    X = np.random.default_rng(0).normal(size=(50, 3))
    _expect_valid_indices(
        ctx.student.select_coreset(X, 7, seed=0), n=50, k=7, call=ctx.student.last_call
    )


def _expect_valid_indices(indices: object, *, n: int, k: int, call: str) -> np.ndarray:
    array = np.asarray(indices)
    expect(
        array.ndim == 1 and array.shape[0] == k,
        en="{call} should return {k} indices, got {got}.",
        pt="{call} deveria retornar {k} índices, obteve {got}.",
        call=call,
        k=k,
        got=array.shape,
    )
    expect(
        array.dtype.kind in "iu" or (array.dtype.kind == "f" and np.all(array == np.round(array))),
        en="{call} should return integer indices, got dtype {dtype}.",
        pt="{call} deveria retornar índices inteiros, obteve dtype {dtype}.",
        call=call,
        dtype=array.dtype,
    )
    array = array.astype(np.int64)
    expect(
        np.all((array >= 0) & (array < n)),
        en="{call}: every index must be in [0, {n}), got {got}.",
        pt="{call}: todo índice deve estar em [0, {n}), obteve {got}.",
        call=call,
        n=n,
        got=array.tolist(),
    )
    expect(
        len(set(array.tolist())) == k,
        en="{call}: the {k} indices must be distinct, got {got}.",
        pt="{call}: os {k} índices devem ser distintos, obteve {got}.",
        call=call,
        k=k,
        got=sorted(array.tolist()),
    )
    return array


@check("1.4", points=1, category="shape", hidden=False)
def check_plot_returns_figure(ctx: CheckContext) -> None:
    X = np.random.default_rng(1).normal(size=(30, 2))
    y = np.arange(30) % 3
    figure = ctx.student.plot_feature_space(X, y)
    kind = getattr(figure, "kind", None)
    expect(
        kind == "figure",
        en="plot_feature_space should return a matplotlib Figure, got {got}.",
        pt="plot_feature_space deveria retornar uma Figure do matplotlib, obteve {got}.",
        got=getattr(figure, "type_name", type(figure).__name__),
    )
    summary = figure.figure_summary()
    expect(len(summary["axes"]) >= 1, en="The figure has no axes.", pt="A figura não tem eixos.")
