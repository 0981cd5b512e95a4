# Public checks for ch01_fundamentals, released by `grade release` (do not edit).
# Run them with:  grade check ch01_fundamentals ch01_fundamentals.py
"""Grader for ch01_fundamentals (PCS 5022, chapter 1: fundamentals).

Public checks (outside the HIDDEN regions) are released to students in
``assignments/ch01_fundamentals/public_checks.py``; hidden ones never leave the instructor's copy.
Every check names one property; invariance, side-effect, stability, shape and determinism checks
``requires=`` a correctness check of the same function, so a function that computes nothing
earns nothing.
"""

from __future__ import annotations

import numpy as np

from harness.checks import (
    FIGURE,
    Array,
    CheckContext,
    GraderSettings,
    Keys,
    Text,
    Tuple,
    Union,
    as_array,
    assess_only_if,
    check,
    expect,
    expect_close,
    expect_indices,
    refine,
    rubric,
)

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=20.0, submission_budget_s=240.0)

#: what the statement fixes beyond the reference's annotations (ranks, dict keys, figures)
CONTRACT = refine(
    standardize_without_leakage=Tuple((Array(ndim=2), Array(ndim=2))),
    leakage_experiment=Keys(accuracy_with_leak=float, accuracy_without_leak=float),
    class_statistics=Keys(
        global_mean=Array(ndim=1),
        class_means=Array(ndim=2),
        farthest_index=Array(ndim=1, integer=True),
    ),
    project_2d=Array(ndim=2),
    plot_feature_space=FIGURE,
    fit_linear_closed_form=Union((Array(ndim=1), Array(ndim=2))),
    select_coreset=Array(ndim=1, integer=True),
)

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
    train_std, test_std = ctx.student.standardize_without_leakage(X_train, np.array([[3.0, 4.0]]))
    s = np.sqrt(8.0 / 3.0)
    expect_close(train_std, [[-2 / s, 0.0], [0.0, 0.0], [2 / s, 0.0]], what="X_train_std")
    expect_close(test_std, [[0.0, 2.0]], what="X_test_std")


@check("1.2", points=1, category="correctness", hidden=False)
def check_class_statistics_small_example(ctx: CheckContext) -> None:
    X = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 10.0], [10.0, 14.0], [10.0, 12.0]])
    stats = ctx.student.class_statistics(X, np.array([5, 5, 1, 1, 1]))
    expect_close(stats["global_mean"], [6.4, 7.2], what='"global_mean"')
    expect_close(
        stats["class_means"],
        [[10.0, 12.0], [1.0, 0.0]],
        what='"class_means" (order of np.unique(y): 1, 5)',
    )
    farthest = as_array(stats["farthest_index"])
    expect(
        farthest.shape == (2,) and farthest[0] in (2, 3) and farthest[1] in (0, 1),
        en='"farthest_index" should be [2 or 3, 0 or 1] (row indices into X), got {got}.',
        pt='"farthest_index" deveria ser [2 ou 3, 0 ou 1] (índices de linha em X), obteve {got}.',
        got=farthest.tolist(),
    )


def _match_up_to_sign(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    signs = np.sign(np.sum(got * want, axis=0))
    signs[signs == 0] = 1.0
    return got * signs


@check("1.3", points=1, category="correctness", hidden=False)
def check_project_2d_small_example(ctx: CheckContext) -> None:
    """Points spread along two orthogonal directions of R^3: the scores are the two spreads."""
    spread = np.array([[-3.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [3.0, 1.0]])
    directions = np.array([[1.0, 1.0, 1.0], [1.0, -1.0, 0.0]])
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    X = spread @ directions + np.array([5.0, -2.0, 1.0])
    got = as_array(ctx.student.project_2d(X))
    if got.shape == spread.shape:
        got = _match_up_to_sign(got.astype(float), spread)
    expect_close(got, spread, what="project_2d(X) (up to the sign of each column)", atol=1e-6)


@check("1.4", points=1, category="shape", hidden=False)
def check_plot_returns_figure(ctx: CheckContext) -> None:
    X = np.random.default_rng(1).normal(size=(30, 2))
    axes = ctx.student.plot_feature_space(X, np.arange(30) % 3).figure_summary()["axes"]
    expect(len(axes) >= 1, en="The figure has no axes.", pt="A figura não tem eixos.")
    drawn = sum(len(a["points"]) for a in axes)
    assess_only_if(
        drawn >= len(X),
        en="the figure draws {drawn} points for {n} samples, so it does not show the data.",
        pt="a figura desenha {drawn} pontos para {n} amostras, então não mostra os dados.",
        drawn=drawn,
        n=len(X),
    )


@check("1.5", points=1, category="correctness", hidden=False)
def check_closed_form_square_system(ctx: CheckContext) -> None:
    X = np.array([[2.0, 0.0, 1.0], [0.0, 1.0, 0.0], [1.0, 0.0, 3.0]])
    Y = np.array([1.0, 2.0, 3.0])
    W = ctx.student.fit_linear_closed_form(X, Y)
    expect_close(W, np.linalg.solve(X, Y), what="W", rtol=1e-6, atol=1e-8)


@check("1.6", points=1, category="correctness", hidden=False)
def check_coreset_returns_k_distinct_indices(ctx: CheckContext) -> None:
    X = np.random.default_rng(0).normal(size=(50, 3))
    for k in (7, 1):
        expect_indices(ctx.student.select_coreset(X, k, seed=0), n=50, k=k)
