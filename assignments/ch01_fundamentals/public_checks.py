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
    OBJECT,
    Array,
    CheckContext,
    GraderSettings,
    Keys,
    Partial,
    Text,
    Tuple,
    Union,
    accuracy_partial,
    as_array,
    assess_only_if,
    check,
    expect,
    expect_close,
    expect_indices,
    expect_shape,
    refine,
    rubric,
)

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=20.0, submission_budget_s=240.0)

#: what the statement fixes beyond the reference's annotations (ranks, dict keys, figures)
CONTRACT = refine(
    standardize_without_leakage=Tuple((Array(ndim=2), Array(ndim=2))),
    leakage_experiment=Keys(with_leak=OBJECT, without_leak=OBJECT),
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
        en="Explain why standardising with statistics of X_train and X_test together is leakage, and interpret the two accuracies the grader measured for the models of leakage_experiment (table in the report).",
        pt="Explique por que padronizar com estatísticas de X_train e X_test juntos é vazamento e interprete as duas acurácias que o corretor mediu para os modelos de leakage_experiment (tabela no relatório).",
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


LEAKAGE_MODELS = ("with_leak", "without_leak")


def _leakage_task(seed: int, n_probe: int = 0) -> tuple[np.ndarray, ...]:
    """A balanced binary task whose raw features have very different scales and offsets (so a
    model fed unstandardised features fails): X_train (300), y_train, X_test (150), y_test and a
    probe set X_probe (n_probe), y_probe; the judge keeps every label but y_train."""
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=450 + n_probe,
        n_features=8,
        n_informative=4,
        n_redundant=2,
        class_sep=1.5,
        random_state=seed,
    )
    rng = np.random.default_rng(seed)
    offsets = rng.choice([-1.0, 1.0], 8) * rng.uniform(200.0, 1000.0, 8)
    X = X * np.geomspace(0.01, 100.0, 8)[rng.permutation(8)] + offsets
    return X[:300], y[:300], X[300:450], y[300:450], X[450:], y[450:]


def _predict(model: object, X: np.ndarray, key: str) -> np.ndarray:
    """``model.predict(X)``: one label per row, shape (n,)."""
    return expect_shape(
        model.predict(X),  # type: ignore[attr-defined]
        (len(X),),
        what=f'the labels that leakage_experiment(...)["{key}"].predict(X) returned for {len(X)} rows',
    )


def _accuracy(labels: np.ndarray, y: np.ndarray) -> float:
    hits = np.asarray(labels == y)
    return float(hits.mean()) if hits.shape == y.shape else 0.0


@check("1.1", points=1, category="behaviour", hidden=False, timeout=60.0)
def check_leakage_models_predict_above_chance(ctx: CheckContext) -> Partial | None:
    """The judge measures both models' accuracy on its X_test with the labels it kept."""
    X_train, y_train, X_test, y_test, _, _ = _leakage_task(2024)
    models = ctx.student.leakage_experiment(X_train, y_train, X_test, seed=0)
    call = ctx.student.last_call
    accuracies = {
        key: _accuracy(_predict(models[key], X_test, key), y_test) for key in LEAKAGE_MODELS
    }
    ctx.attach_table(
        Text(
            en=f"Accuracy of the two models of leakage_experiment, measured by the grader on X_test ({len(y_test)} samples of a balanced binary task, labels kept by the grader; chance is 0.5)",
            pt=f"Acurácia dos dois modelos de leakage_experiment, medida pelo corretor em X_test ({len(y_test)} amostras de uma tarefa binária balanceada, rótulos guardados pelo corretor; o acaso dá 0,5)",
        ),
        ["model", "accuracy (grader)"],
        [[key, round(accuracy, 4)] for key, accuracy in accuracies.items()],
    )
    worst = min(accuracies, key=accuracies.__getitem__)
    return accuracy_partial(
        accuracies[worst],
        full=0.75,
        zero=0.55,
        what=Text(
            en=f'the accuracy the grader measured for the "{worst}" model (predict on the raw features of X_test, {len(y_test)} samples whose labels only the grader has; chance is 0.5, which a constant prediction gets)',
            pt=f'a acurácia que o corretor mediu para o modelo "{worst}" (predict nos atributos brutos de X_test, {len(y_test)} amostras cujos rótulos só o corretor tem; o acaso dá 0,5, o que uma previsão constante obtém)',
        ),
        context=call,
    )


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
