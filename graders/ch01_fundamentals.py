"""Grader for ch01_fundamentals (PCS 5022, chapter 1: fundamentals).

Public checks (outside the HIDDEN regions) are released to students in
``assignments/ch01_fundamentals/public_checks.py``; hidden ones never leave the instructor's copy.
Every check names one property; invariance, side-effect, stability, shape and determinism checks
``requires=`` a correctness check of the same function, so a function that computes nothing
earns nothing.
# BEGIN HIDDEN

Requirement of the statement (README) -> checks (``check_`` prefix dropped); float32 and float64
arrays wherever arrays are admitted:
1.1 mean/population std of X_train only, applied to both -> standardize_small_example,
    standardize_matches_reference (m = 1 too), train_output_ignores_test_set,
    test_rows_are_independent, single_test_row, float32_inputs
1.1 constant column centred, not scaled (std a rounding residue) -> constant_column_is_centred_not_scaled
1.1 inputs not modified -> standardize_leaves_inputs_untouched
1.1 leakage_experiment: two fitted models taking raw features, predict -> (n,) labels, accuracy
    the judge measures on its own X_test (labels kept) >= 0.75 -> leakage_models_predict_above_chance
    (table of both accuracies attached for the TA)
1.1 "without_leak" fixed by X_train alone: same predictions for another X_test, and a row's label
    independent of the other rows given to predict -> without_leak_model_ignores_test_data
1.1 "with_leak" standardised with statistics of X_test too (its predictions change with X_test)
    -> with_leak_model_depends_on_test_set; discussion: rubric
1.2 "global_mean" (m,) -> class_statistics_small_example, global_mean_with_imbalanced_classes
1.2 "class_means" (k, m) in np.unique order, any integer labels -> class_means_follow_unique_label_order
1.2 "farthest_index" (k,) rows of X -> farthest_index_points_into_X (classes of one sample)
1.2 shapes, k = 1 and m = 1 included -> class_statistics_shapes
1.3 m = 2: the data itself -> project_2d_keeps_two_feature_data
1.3 m > 2: PC scores, signs free -> project_2d_small_example, project_2d_principal_scores
1.3 (n, 2) -> project_2d_shapes
1.4 a Figure -> plot_returns_figure; samples at project_2d coordinates -> plot_draws_projected_samples
1.4 global and class means marked -> plot_marks_global_and_class_means; colours: TA (figure attached)
1.5 ridge = 0, m > n: interpolating, minimum norm -> interpolates_when_m_exceeds_n, minimum_norm_solution
1.5 ridge = 0, n >= m: least squares -> closed_form_square_system, least_squares_when_n_exceeds_m
1.5 ridge > 0 -> ridge_solution; closed form, no intercept: the 1e-6 tolerances of the above
1.5 W (m,) or (m, t), t = 1 too -> closed_form_output_shapes
1.5 fast for m >> n (n = 60, m = 30 000: < 10 s a fit) -> wide_problem_within_budget
1.6 k distinct row indices, k = 1 and k = n -> coreset_returns_k_distinct_indices, coreset_k_equal_to_n
1.6 covers (radius <= 90% of random subsets) -> coreset_covers_better_than_random
1.6 small far-away groups represented -> coreset_represents_far_groups
1.6 depends only on seed -> coreset_deterministic_per_seed; k > n: coreset_k_too_large_raises
# END HIDDEN
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


# BEGIN HIDDEN
# ---------------------------------------------------------------------------------------------
# 1.1 standardisation without leakage

import hypothesis.strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from harness.checks import (  # noqa: E402
    CheckFailed,
    SubmissionProblem,
    expect_deterministic,
    expect_equal,
    expect_inputs_untouched,
    expect_raises,
    fail,
    for_all,
)


def _integer_valued(rows: int, m: int) -> st.SearchStrategy:
    """Float matrices with integer values: a column is either exactly constant or clearly spread."""
    return hnp.arrays(np.float64, (rows, m), elements=st.integers(-50, 50).map(float))


def _spread(X: np.ndarray) -> np.ndarray:
    """No constant column (a constant column is the property of its own check)."""
    X = X.copy()
    X[0, np.ptp(X, axis=0) == 0] += 1.0
    return X


@check("1.1", points=2, category="correctness")
def check_standardize_matches_reference(ctx: CheckContext) -> None:
    """Agreement with StandardScaler-style statistics on generated shapes and values."""

    def prop(arrays: tuple[np.ndarray, np.ndarray]) -> None:
        got_train, got_test = ctx.student.standardize_without_leakage(*arrays)
        call = ctx.student.last_call
        want_train, want_test = ctx.reference.standardize_without_leakage(*arrays)
        expect_close(got_train, want_train, what="X_train_std", context=call, atol=1e-9, rtol=1e-7)
        expect_close(got_test, want_test, what="X_test_std", context=call, atol=1e-9, rtol=1e-7)

    # (rows of X_train, rows of X_test: one row alone is a property of its own check, m)
    shapes = st.tuples(st.integers(2, 25), st.integers(2, 8), st.integers(1, 5))
    strategy = shapes.flatmap(
        lambda s: st.tuples(_integer_valued(s[0], s[2]).map(_spread), _integer_valued(s[1], s[2]))
    )
    for_all(strategy, prop, examples=25)


@check("1.1", points=2, category="leakage", requires=check_standardize_matches_reference)
def check_train_output_ignores_test_set(ctx: CheckContext) -> None:
    """X_train_std must not change when only X_test changes (no test statistics in the fit)."""
    X_train = ctx.rng.normal(3.0, 2.0, size=(40, 4))
    first, _ = ctx.student.standardize_without_leakage(X_train, ctx.rng.normal(size=(7, 4)))
    call_a = ctx.student.last_call
    other_test = ctx.rng.normal(50.0, 10.0, size=(12, 4))
    second, _ = ctx.student.standardize_without_leakage(X_train, other_test)
    expect_close(
        second,
        first,
        what="X_train_std",
        context=Text(
            en=f"{call_a} and then {ctx.student.last_call} with the same X_train but a different X_test (the training output changed, so test data leaked into the statistics)",
            pt=f"{call_a} e depois {ctx.student.last_call} com o mesmo X_train e outro X_test (a saída de treino mudou, então dados de teste vazaram para as estatísticas)",
        ),
        rtol=1e-9,
        atol=1e-12,
    )


@check("1.1", points=2, category="leakage", requires=check_standardize_matches_reference)
def check_test_rows_are_independent(ctx: CheckContext) -> None:
    """Each test row's output depends on that row alone (no statistics of the test set)."""
    X_train = ctx.rng.normal(1.0, 3.0, size=(30, 3))
    X_test = ctx.rng.normal(size=(8, 3))
    full = as_array(ctx.student.standardize_without_leakage(X_train, X_test)[1])
    _, alone = ctx.student.standardize_without_leakage(X_train, X_test[2:3])
    expect_close(
        alone,
        full[2:3],
        what="X_test_std",
        context=Text(
            en="standardising test row 2 alone must give the same values as standardising it with the other 7 test rows; it did not, so the test rows influence each other (test-set statistics)",
            pt="padronizar a linha de teste 2 sozinha deve dar os mesmos valores que padronizá-la junto com as outras 7; não deu, então as linhas de teste influenciam umas às outras (estatísticas do teste)",
        ),
        rtol=1e-9,
        atol=1e-12,
    )
    changed = X_test.copy()
    changed[0] = 1000.0
    _, with_outlier = ctx.student.standardize_without_leakage(X_train, changed)
    expect_close(
        as_array(with_outlier)[1:],
        full[1:],
        what="X_test_std[1:]",
        context=Text(
            en="changing only test row 0 changed the outputs of the other test rows",
            pt="mudar apenas a linha de teste 0 mudou as saídas das outras linhas de teste",
        ),
        rtol=1e-9,
        atol=1e-12,
    )


@check("1.1", points=1, category="stability", requires=check_standardize_matches_reference)
def check_constant_column_is_centred_not_scaled(ctx: CheckContext) -> None:
    """Column 1 is 0.1 throughout: its computed std is a rounding residue (1e-17, 7e-9), not 0."""
    for dtype, tol in ((np.float64, 1e-7), (np.float32, 1e-5)):
        X_train = ctx.rng.normal(size=(20, 3)).astype(dtype)
        X_train[:, 1] = 0.1
        X_test = ctx.rng.normal(size=(5, 3)).astype(dtype)
        train_std, test_std = ctx.student.standardize_without_leakage(X_train, X_test)
        hint = Text(
            en=f" (column 1 is constant, 0.1, in X_train of dtype {dtype.__name__}: centre it, do not divide by its zero std)",
            pt=f" (a coluna 1 é constante, 0.1, em X_train de dtype {dtype.__name__}: centre-a, não divida pelo desvio-padrão zero)",
        )
        train_col = expect_shape(train_std, X_train.shape, what="X_train_std")[:, 1]
        test_col = expect_shape(test_std, X_test.shape, what="X_test_std")[:, 1]
        expect_close(train_col, np.zeros(20), what=Text.same("X_train_std[:, 1]") + hint, atol=tol)
        want = X_test[:, 1] - X_train[0, 1]
        expect_close(test_col, want, what=Text.same("X_test_std[:, 1]") + hint, atol=tol)


@check("1.1", points=1, category="stability", requires=check_standardize_matches_reference)
def check_single_test_row(ctx: CheckContext) -> None:
    X_train = ctx.rng.normal(size=(15, 4))
    X_test = ctx.rng.normal(size=(1, 4))
    _, got = ctx.student.standardize_without_leakage(X_train, X_test)
    _, want = ctx.reference.standardize_without_leakage(X_train, X_test)
    expect_close(got, want, what="X_test_std", rtol=1e-7, atol=1e-9)


@check("1.1", points=1, category="stability", requires=check_standardize_matches_reference)
def check_float32_inputs(ctx: CheckContext) -> None:
    X_train = ctx.rng.normal(100.0, 5.0, size=(50, 3)).astype(np.float32)
    X_test = ctx.rng.normal(100.0, 5.0, size=(6, 3)).astype(np.float32)
    got = ctx.student.standardize_without_leakage(X_train, X_test)
    call = ctx.student.last_call
    want = ctx.reference.standardize_without_leakage(X_train.astype(float), X_test.astype(float))
    for name, got_std, want_std in zip(("X_train_std", "X_test_std"), got, want):
        expect_close(
            got_std, want_std, what=f"{name} (float32 input)", context=call, atol=1e-3, rtol=1e-3
        )


@check("1.1", points=1, category="side-effects", requires=check_standardize_matches_reference)
def check_standardize_leaves_inputs_untouched(ctx: CheckContext) -> None:
    for dtype in (np.float64, np.float32):
        X_train = ctx.rng.normal(2.0, 3.0, size=(12, 3)).astype(dtype)
        X_test = ctx.rng.normal(2.0, 3.0, size=(4, 3)).astype(dtype)
        expect_inputs_untouched(ctx.student.standardize_without_leakage, X_train, X_test)


#: the hidden task of the leakage checks (the public check uses another one)
LEAKAGE_TASK_SEED = 7


def _leakage_runs(ctx: CheckContext, key: str) -> tuple[object, np.ndarray, np.ndarray, list]:
    """Call leakage_experiment on the hidden task with the judge's X_test, again with the same
    X_test, then with an X_test shifted and rescaled far away (statistics hundreds of times those
    of X_train, differently per feature); returns the first models[key], the probe set and
    [(call, labels of models[key] on the probe set)] for the three calls. Not assessed when the
    model did not learn or is not determined by its arguments."""
    X_train, y_train, X_test, _, X_probe, y_probe = _leakage_task(LEAKAGE_TASK_SEED, n_probe=450)
    rng = np.random.default_rng(LEAKAGE_TASK_SEED)
    factors = np.geomspace(1.0, 1000.0, X_test.shape[1])[rng.permutation(X_test.shape[1])]
    far_test = X_test * factors + 100.0 * X_train.std(axis=0)
    runs, first = [], None
    for test in (X_test, X_test, far_test):
        model = ctx.student.leakage_experiment(X_train, y_train, test, seed=0)[key]
        call = ctx.student.last_call
        first = model if first is None else first
        runs.append((call, _predict(model, X_probe, key)))
    accuracy = _accuracy(runs[0][1], y_probe)
    assess_only_if(
        accuracy >= 0.65,
        en='the "{key}" model of {call} predicts {accuracy:.3f} of the grader\'s {n} probe samples right (chance is 0.5), so it did not learn and whether it depends on X_test says nothing.',
        pt='o modelo "{key}" de {call} acerta {accuracy:.3f} das {n} amostras de sondagem do corretor (o acaso dá 0,5), então não aprendeu e não importa se depende de X_test.',
        key=key,
        call=runs[0][0],
        accuracy=accuracy,
        n=len(y_probe),
    )
    assess_only_if(
        np.array_equal(runs[0][1], runs[1][1]),
        en='two identical calls {call} gave "{key}" models that predict {changed} of the grader\'s {n} probe samples differently, so the model is not determined by its arguments (pass seed to every random choice) and a change could not be told from a dependence on X_test.',
        pt='duas chamadas idênticas {call} deram modelos "{key}" que preveem {changed} das {n} amostras de sondagem do corretor de forma diferente, então o modelo não é determinado pelos argumentos (passe seed a toda escolha aleatória) e uma mudança não poderia ser atribuída a X_test.',
        call=runs[0][0],
        key=key,
        changed=int(np.sum(runs[0][1] != runs[1][1])),
        n=len(y_probe),
    )
    return first, X_probe, runs


FAR_TEST = Text(
    en="an X_test shifted and rescaled far away (its mean and standard deviation hundreds of times those of X_train)",
    pt="um X_test deslocado e reescalado para longe (média e desvio-padrão centenas de vezes os de X_train)",
)


@check("1.1", points=1, category="leakage", timeout=60.0)
def check_without_leak_model_ignores_test_data(ctx: CheckContext) -> None:
    """Fixed by X_train alone: another X_test at fit time, or other rows in the batch given to
    predict, change none of its predictions on the probe set."""
    model, X_probe, runs = _leakage_runs(ctx, "without_leak")
    (call, before), _, (far_call, after) = runs
    expect(
        np.array_equal(before, after),
        en='{call} and then {far_call}, with the same X_train, y_train and seed but {far}: the "without_leak" models predict {changed} of the grader\'s {n} probe samples differently, so statistics of X_test entered the model that must not leak; standardise it with statistics of X_train alone.',
        pt='{call} e depois {far_call}, com os mesmos X_train, y_train e seed mas {far}: os modelos "without_leak" preveem {changed} das {n} amostras de sondagem do corretor de forma diferente, então estatísticas de X_test entraram no modelo que não pode vazar; padronize-o só com estatísticas de X_train.',
        call=call,
        far_call=far_call,
        far=FAR_TEST,
        changed=int(np.sum(before != after)),
        n=len(X_probe),
    )
    far_rows = X_probe[:50] * 1000.0 + 1e4
    batch = _predict(model, np.concatenate([X_probe, far_rows]), "without_leak")[: len(X_probe)]
    expect(
        np.array_equal(batch, before),
        en='the "without_leak" model of {call} predicts {changed} of the grader\'s {n} probe samples differently when 50 far-away rows are added to the batch given to predict, so predict standardises with statistics of the batch it receives (test data) instead of those of X_train.',
        pt='o modelo "without_leak" de {call} prevê {changed} das {n} amostras de sondagem do corretor de forma diferente quando 50 linhas distantes são acrescentadas ao lote passado a predict, então predict padroniza com estatísticas do lote que recebe (dados de teste) em vez das de X_train.',
        call=call,
        changed=int(np.sum(batch != before)),
        n=len(X_probe),
    )


@check("1.1", points=1, category="leakage", timeout=60.0)
def check_with_leak_model_depends_on_test_set(ctx: CheckContext) -> None:
    """The leak is simulated: the "with_leak" model's predictions on the probe set change when
    X_test is replaced by one with very different statistics."""
    _, X_probe, runs = _leakage_runs(ctx, "with_leak")
    (call, before), _, (far_call, after) = runs
    expect(
        not np.array_equal(before, after),
        en='{call} and then {far_call}, with the same X_train, y_train and seed but {far}: the "with_leak" models predict all {n} of the grader\'s probe samples alike, so X_test does not shape that model and the leak is not simulated; standardise it with the mean and standard deviation of X_train and X_test together (and use a classifier sensitive to the scale of the features).',
        pt='{call} e depois {far_call}, com os mesmos X_train, y_train e seed mas {far}: os modelos "with_leak" preveem igual todas as {n} amostras de sondagem do corretor, então X_test não molda esse modelo e o vazamento não é simulado; padronize-o com média e desvio-padrão de X_train e X_test juntos (e use um classificador sensível à escala dos atributos).',
        call=call,
        far_call=far_call,
        far=FAR_TEST,
        n=len(X_probe),
    )


# ---------------------------------------------------------------------------------------------
# 1.2 class statistics


def _labelled_data(
    ctx: CheckContext, sizes: list[int], labels: list[int], m: int = 3, dtype: type = np.float64
) -> tuple[np.ndarray, np.ndarray]:
    parts = [
        ctx.rng.normal(loc=3.0 * i, scale=1.0 + i, size=(size, m)) for i, size in enumerate(sizes)
    ]
    X = np.concatenate(parts)
    y = np.concatenate([np.full(size, label) for size, label in zip(sizes, labels)])
    order = ctx.rng.permutation(len(y))
    return X[order].astype(dtype), y[order]


TOLERANCES = {np.float64: {"rtol": 1e-7, "atol": 1e-9}, np.float32: {"rtol": 1e-5, "atol": 1e-5}}


@check("1.2", points=1, category="shape", requires=check_class_statistics_small_example)
def check_class_statistics_shapes(ctx: CheckContext) -> None:
    for sizes, m in (([10, 7, 12, 5], 5), ([6], 3), ([4, 9], 1)):  # k = 1, m = 1 included
        X, y = _labelled_data(ctx, sizes, list(range(len(sizes))), m=m)
        stats = ctx.student.class_statistics(X, y)
        expect_shape(stats["global_mean"], (m,), what='"global_mean"')
        expect_shape(stats["class_means"], (len(sizes), m), what='"class_means"')
        expect_shape(stats["farthest_index"], (len(sizes),), what='"farthest_index"')


@check("1.2", points=2, category="correctness")
def check_class_means_follow_unique_label_order(ctx: CheckContext) -> None:
    """Labels that are not 0..k-1 (negative ones too) and arrive unsorted: rows must follow
    np.unique(y); float64 and float32 X."""
    cases = ([7, 2, 11], np.float64), ([-3, 5, -12], np.float64), ([7, 2, 11], np.float32)
    for labels, dtype in cases:
        X, y = _labelled_data(ctx, [9, 14, 6], labels, dtype=dtype)
        got = ctx.student.class_statistics(X, y)["class_means"]
        want = np.stack([X[y == c].astype(float).mean(axis=0) for c in np.unique(y)])
        order = np.unique(y).tolist()
        what = f'"class_means" (X of dtype {dtype.__name__}; rows in the order of np.unique(y) = {order})'
        expect_close(got, want, what=what, **TOLERANCES[dtype])


@check("1.2", points=1, category="correctness")
def check_global_mean_with_imbalanced_classes(ctx: CheckContext) -> None:
    """With imbalanced classes the global mean is not the mean of the class means."""
    for dtype in (np.float64, np.float32):
        X, y = _labelled_data(ctx, [40, 5, 3], [0, 1, 2], dtype=dtype)
        expect_close(
            ctx.student.class_statistics(X, y)["global_mean"],
            X.astype(float).mean(axis=0),
            what=f'"global_mean" (X of dtype {dtype.__name__}; mean of all samples, not the mean of the class means)',
            **TOLERANCES[dtype],
        )


@check("1.2", points=2, category="correctness")
def check_farthest_index_points_into_X(ctx: CheckContext) -> None:
    """Indices are rows of X (not of the class subset) at maximal distance from the class mean;
    classes of one sample, negative labels, float64 and float32 X."""

    def prop(seed: int) -> None:
        rng = np.random.default_rng(seed)
        k = int(rng.integers(2, 5))
        sizes = rng.integers(1, 12, size=k)
        labels = rng.choice(np.arange(-3, 20), size=k, replace=False)
        X = np.concatenate([rng.normal(4.0 * i, 1.0, size=(s, 3)) for i, s in enumerate(sizes)])
        y = np.repeat(labels, sizes)
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
        for dtype in (np.float64, np.float32):
            check_farthest(X.astype(dtype), y, dtype)

    def check_farthest(X: np.ndarray, y: np.ndarray, dtype: type) -> None:
        got = as_array(ctx.student.class_statistics(X, y)["farthest_index"])
        call = ctx.student.last_call
        X = X.astype(float)
        for position, label in enumerate(np.unique(y)):
            index = int(got[position]) if position < got.shape[0] else -1
            rows = np.flatnonzero(y == label)
            distances = np.linalg.norm(X[rows] - X[rows].mean(axis=0), axis=1)
            if index not in rows:
                fail(
                    en="{call}: farthest_index[{p}] = {index} is not a row of X with label {label} (rows with that label: {rows}); return indices into X, not into the class subset.",
                    pt="{call}: farthest_index[{p}] = {index} não é uma linha de X com rótulo {label} (linhas com esse rótulo: {rows}); retorne índices em X, não no subconjunto da classe.",
                    call=call,
                    p=position,
                    index=index,
                    label=int(label),
                    rows=rows.tolist(),
                )
            distance = np.linalg.norm(X[index] - X[rows].mean(axis=0))
            expect(
                distance >= distances.max() * (1 - TOLERANCES[dtype]["rtol"]) - 1e-9,
                en="{call}: row {index} is at distance {d:.4g} from the mean of class {label}, but row {best} is farther ({best_d:.4g}).",
                pt="{call}: a linha {index} está a distância {d:.4g} da média da classe {label}, mas a linha {best} está mais longe ({best_d:.4g}).",
                call=call,
                index=index,
                d=distance,
                label=int(label),
                best=int(rows[np.argmax(distances)]),
                best_d=distances.max(),
            )

    for_all(
        st.integers(0, 10_000), prop, examples=15, show=lambda s: f"data generated with seed {s}"
    )


# ---------------------------------------------------------------------------------------------
# 1.3 / 1.4 projection and plot


def _spectrum_data(ctx: CheckContext, n: int, m: int) -> np.ndarray:
    """Data with well separated principal variances, so the top two components are unique."""
    scales = np.geomspace(10.0, 0.5, m)
    basis, _ = np.linalg.qr(ctx.rng.normal(size=(m, m)))
    return (ctx.rng.normal(size=(n, m)) * scales) @ basis.T + ctx.rng.normal(5.0, 2.0, size=m)


@check("1.3", points=3, category="correctness")
def check_project_2d_principal_scores(ctx: CheckContext) -> None:
    """PCA scores on the top two components (compared up to the sign of each component)."""
    cases = (60, 6, np.float64, 1e-6), (8, 20, np.float64, 1e-6), (30, 5, np.float32, 1e-4)
    for n, m, dtype, tol in cases:
        X = _spectrum_data(ctx, n, m).astype(dtype)
        got = expect_shape(ctx.student.project_2d(X), (n, 2), what="project_2d(X)").astype(float)
        call = ctx.student.last_call
        want = as_array(ctx.reference.project_2d(X))
        expect_close(
            _match_up_to_sign(got, want),
            want,
            what=f"project_2d(X) for X of dtype {dtype.__name__} (principal-component scores, up to the sign of each column)",
            context=call,
            rtol=max(tol, 1e-5),
            atol=tol,
        )


@check("1.3", points=1, category="correctness", requires=check_project_2d_principal_scores)
def check_project_2d_keeps_two_feature_data(ctx: CheckContext) -> None:
    for dtype in (np.float64, np.float32):
        X = ctx.rng.normal(3.0, 2.0, size=(25, 2)).astype(dtype)
        what = f"project_2d(X) for m = 2, X of dtype {dtype.__name__} (the data itself)"
        expect_close(ctx.student.project_2d(X), X, what=what, rtol=1e-6, atol=1e-8)


@check("1.3", points=1, category="shape", requires=check_project_2d_principal_scores)
def check_project_2d_shapes(ctx: CheckContext) -> None:
    for n, m in ((7, 3), (4, 10), (30, 64)):
        expect_shape(
            ctx.student.project_2d(ctx.rng.normal(size=(n, m))), (n, 2), what="project_2d(X)"
        )


def _plot_misses(ctx: CheckContext, targets_of, attach: bool = False) -> tuple | None:
    """Plot three shifted classes; None when the figure draws a point at every target (names ->
    projected points) in the coordinates of some projection, each axis up to its sign; else
    (the call, the fewest targets missed, the first of them)."""
    X = _spectrum_data(ctx, 45, 5)
    y = np.repeat([0, 1, 2], [20, 15, 10])
    X[y == 1] += 8.0
    X[y == 2] -= 6.0
    figure = ctx.student.plot_feature_space(X, y)
    call = ctx.student.last_call
    if attach:
        title = Text(
            en="Student's feature-space figure", pt="Figura do espaço de características do aluno"
        )
        ctx.attach_png(title, figure.figure_png(dpi=70))
    points = np.concatenate(
        [np.asarray(a["points"], float).reshape(-1, 2) for a in figure.figure_summary()["axes"]]
        or [np.full((1, 2), np.inf)]
    )
    # The plot is judged on its own coordinates: the student's project_2d if it runs (a wrong 1.3
    # must not cost 1.4 again), else the reference projection; each axis up to its sign.
    projections = [as_array(ctx.reference.project_2d(X)).astype(float)]
    try:
        own = as_array(ctx.student.project_2d(X)).astype(float)
        if own.shape == (len(X), 2) and np.all(np.isfinite(own)):
            projections.insert(0, own)
    except (SubmissionProblem, CheckFailed):
        pass
    attempts = []
    for projected in projections:
        targets = targets_of(projected, y)
        scale = float(np.abs(projected).max())
        for signs in ((1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)):
            wanted = np.array(list(targets.values())) * signs
            distance = np.fmin.reduce(
                np.linalg.norm(points[None] - wanted[:, None], axis=2), axis=1
            )
            missing = [name for name, d in zip(targets, distance) if not d <= 1e-3 * scale]
            if not missing:
                return None
            attempts.append((call, missing, wanted[list(targets).index(missing[0])]))
    return min(attempts, key=lambda attempt: len(attempt[1]))


@check("1.4", points=3, category="correctness")
def check_plot_marks_global_and_class_means(ctx: CheckContext) -> None:
    """The figure draws points at the global mean and at every class mean (projected)."""

    def means(projected: np.ndarray, y: np.ndarray) -> dict[str, np.ndarray]:
        classes = {f"mean of class {c}": projected[y == c].mean(axis=0) for c in np.unique(y)}
        return {"global mean": projected.mean(axis=0), **classes}

    missed = _plot_misses(ctx, means, attach=True)
    if missed:
        fail(
            en="{call}: the figure draws no point at the {missing} (in the coordinates of project_2d; e.g. {example}). Mark the global mean and each class mean, e.g. with ax.scatter.",
            pt="{call}: a figura não desenha nenhum ponto em {missing} (nas coordenadas de project_2d; p. ex. {example}). Marque a média global e a média de cada classe, por exemplo com ax.scatter.",
            call=missed[0],
            missing=", ".join(missed[1]),
            example=np.round(missed[2], 3).tolist(),
        )


@check("1.4", points=1, category="correctness")
def check_plot_draws_projected_samples(ctx: CheckContext) -> None:
    """Every sample is drawn at its project_2d coordinates (each axis up to its sign)."""
    missed = _plot_misses(ctx, lambda projected, y: dict(enumerate(projected)))
    if missed:
        fail(
            en="{call}: the figure draws no point at {count} of the 45 samples (rows {rows} of X; e.g. row {first} belongs at {example}, in the coordinates of project_2d). Draw every sample at its project_2d coordinates.",
            pt="{call}: a figura não desenha nenhum ponto em {count} das 45 amostras (linhas {rows} de X; p. ex. a linha {first} deveria estar em {example}, nas coordenadas de project_2d). Desenhe cada amostra nas suas coordenadas de project_2d.",
            call=missed[0],
            count=len(missed[1]),
            rows=missed[1][:8],
            first=missed[1][0],
            example=np.round(missed[2], 3).tolist(),
        )


# ---------------------------------------------------------------------------------------------
# 1.5 closed-form linear regression


@check("1.5", points=2, category="correctness")
def check_interpolates_when_m_exceeds_n(ctx: CheckContext) -> None:
    for dtype, tol in ((np.float64, 1e-8), (np.float32, 1e-4)):
        X = ctx.rng.normal(size=(10, 40)).astype(dtype)
        Y = ctx.rng.normal(size=10).astype(dtype)
        W = expect_shape(ctx.student.fit_linear_closed_form(X, Y), (40,), what="W").astype(float)
        expect_close(
            X.astype(float) @ W,
            Y,
            what=f"X @ W for X, Y of dtype {dtype.__name__} (with m > n and ridge = 0 the solution interpolates the data)",
            rtol=max(tol, 1e-6),
            atol=tol,
        )


@check("1.5", points=2, category="correctness")
def check_minimum_norm_solution(ctx: CheckContext) -> None:
    """Among all interpolating W, the one of minimum norm: W lies in the row space of X."""
    X = ctx.rng.normal(size=(12, 30))
    Y = ctx.rng.normal(size=(12, 2))
    W = ctx.student.fit_linear_closed_form(X, Y, ridge=0.0)
    W = expect_shape(W, (30, 2), what="W").astype(float)
    call = ctx.student.last_call
    null_part = W - np.linalg.pinv(X) @ X @ W
    expect(
        np.linalg.norm(null_part) <= 1e-6 * max(np.linalg.norm(W), 1.0),
        en="{call}: W has a component of norm {norm:.3g} outside the row space of X, so it is not the minimum-norm solution (there are infinitely many interpolating W when m > n).",
        pt="{call}: W tem uma componente de norma {norm:.3g} fora do espaço das linhas de X, então não é a solução de norma mínima (há infinitas W interpolantes quando m > n).",
        call=call,
        norm=float(np.linalg.norm(null_part)),
    )
    want = ctx.reference.fit_linear_closed_form(X, Y, ridge=0.0)
    expect_close(W, want, what="W", context=call, rtol=1e-6, atol=1e-8)


@check("1.5", points=2, category="correctness")
def check_ridge_solution(ctx: CheckContext) -> None:
    for n, m in ((15, 40), (40, 6)):
        X = ctx.rng.normal(size=(n, m))
        Y = ctx.rng.normal(size=(n, 3))
        got = ctx.student.fit_linear_closed_form(X, Y, ridge=0.7)
        call = ctx.student.last_call
        want = ctx.reference.fit_linear_closed_form(X, Y, ridge=0.7)
        expect_close(got, want, what="W (ridge = 0.7)", context=call, rtol=1e-6, atol=1e-8)


@check("1.5", points=1, category="correctness")
def check_least_squares_when_n_exceeds_m(ctx: CheckContext) -> None:
    X = ctx.rng.normal(size=(50, 5))
    Y = X @ ctx.rng.normal(size=5) + 0.1 * ctx.rng.normal(size=50)
    expect_close(
        ctx.student.fit_linear_closed_form(X, Y),
        np.linalg.lstsq(X, Y, rcond=None)[0],
        what="W (ordinary least squares when n > m)",
        rtol=1e-6,
        atol=1e-8,
    )


@check("1.5", points=1, category="shape", requires=check_closed_form_square_system)
def check_closed_form_output_shapes(ctx: CheckContext) -> None:
    X = ctx.rng.normal(size=(6, 9))
    for shape, ridge in (((6,), 0.0), ((6, 4), 1.0), ((6, 1), 0.0), ((6, 1), 1.0)):
        W = ctx.student.fit_linear_closed_form(X, ctx.rng.normal(size=shape), ridge=ridge)
        if shape == (6, 1) and np.shape(W) == (9,):
            continue  # one target: (m,) and (m, 1) both fit the statement
        expect_shape(W, (9, *shape[1:]), what=f"W for Y of shape {shape}, ridge = {ridge}")


@check("1.5", points=2, category="performance", timeout=10.0)
def check_wide_problem_within_budget(ctx: CheckContext) -> None:
    """m = 30 000 features, n = 60 samples: an m x m system (7 GB) cannot be solved in 10 s."""
    X = ctx.rng.normal(size=(60, 30_000))
    Y = ctx.rng.normal(size=60)
    for ridge in (0.0, 1.0):
        W = ctx.student.fit_linear_closed_form(X, Y, ridge=ridge)
        call = ctx.student.last_call
        want = ctx.reference.fit_linear_closed_form(X, Y, ridge=ridge)
        expect_close(W, want, what=f"W (ridge = {ridge})", context=call, rtol=1e-5, atol=1e-8)


# ---------------------------------------------------------------------------------------------
# 1.6 coreset


def _covering_radius(X: np.ndarray, indices: np.ndarray) -> float:
    distances = np.linalg.norm(X[:, None, :] - X[indices][None, :, :], axis=2)
    return float(distances.min(axis=1).max())


@check("1.6", points=3, category="correctness")
def check_coreset_covers_better_than_random(ctx: CheckContext) -> None:
    """Covering radius (largest distance from a point to its nearest selected point) must beat
    90% of uniformly random subsets of the same size."""
    rng = ctx.rng
    X = np.concatenate(
        [
            rng.normal(0, 1, size=(300, 2)),
            rng.normal(6, 0.5, size=(60, 2)),
            rng.uniform(-8, 8, size=(40, 2)),
        ]
    )
    k = 15
    indices = expect_indices(ctx.student.select_coreset(X, k, seed=0), n=len(X), k=k)
    radius = _covering_radius(X, indices)
    random_radii = [
        _covering_radius(X, rng.choice(len(X), size=k, replace=False)) for _ in range(200)
    ]
    threshold = float(np.quantile(random_radii, 0.10))
    expect(
        radius <= threshold,
        en="{call}: the covering radius of your {k} points is {r:.3f}, but 90% of random subsets of {k} points do better than {t:.3f}; choose points that cover the data (e.g. greedy farthest-point selection) rather than sampling.",
        pt="{call}: o raio de cobertura dos seus {k} pontos é {r:.3f}, mas 90% dos subconjuntos aleatórios de {k} pontos fazem melhor que {t:.3f}; escolha pontos que cubram os dados (p. ex. seleção gulosa do ponto mais distante) em vez de amostrar.",
        call=ctx.student.last_call,
        k=k,
        r=radius,
        t=threshold,
    )


@check("1.6", points=2, category="correctness")
def check_coreset_represents_far_groups(ctx: CheckContext) -> None:
    """On float32 data (the covering check uses float64)."""
    main = ctx.rng.normal(0.0, 1.0, size=(400, 2))
    centres = [np.array([30.0, 0.0]), np.array([-20.0, 25.0]), np.array([0.0, -35.0])]
    X = np.concatenate([main, *(c + ctx.rng.normal(0.0, 0.3, size=(4, 2)) for c in centres)])
    X = X.astype(np.float32)
    indices = expect_indices(ctx.student.select_coreset(X, 8, seed=1), n=len(X), k=8)
    for number in range(1, len(centres) + 1):
        group = np.arange(400 + 4 * (number - 1), 400 + 4 * number)
        expect(
            bool(np.intersect1d(indices, group).size),
            en="{call}: none of the 8 selected points comes from the small far-away group {g} (rows {rows}); a coreset must represent every region of the data.",
            pt="{call}: nenhum dos 8 pontos selecionados vem do pequeno grupo afastado {g} (linhas {rows}); um coreset deve representar todas as regiões dos dados.",
            call=ctx.student.last_call,
            g=number,
            rows=group.tolist(),
        )


CORESET_WORKS = (check_coreset_returns_k_distinct_indices, check_coreset_covers_better_than_random)


@check("1.6", points=1, category="correctness", requires=CORESET_WORKS)
def check_coreset_deterministic_per_seed(ctx: CheckContext) -> None:
    X = ctx.rng.normal(size=(300, 3))
    for _ in range(2):  # an unseeded start point repeats by chance once in 300 pairs of calls
        expect_deterministic(ctx.student.select_coreset, X, 10, seed=3)


@check("1.6", points=1, category="stability", requires=CORESET_WORKS)
def check_coreset_k_too_large_raises(ctx: CheckContext) -> None:
    expect_raises("ValueError", ctx.student.select_coreset, ctx.rng.normal(size=(5, 2)), 6, seed=0)


@check("1.6", points=1, category="stability", requires=CORESET_WORKS)
def check_coreset_k_equal_to_n(ctx: CheckContext) -> None:
    indices = expect_indices(
        ctx.student.select_coreset(ctx.rng.normal(size=(6, 2)), 6, seed=0), n=6, k=6
    )
    expect_equal(sorted(indices.tolist()), list(range(6)), what="the indices when k = n")


# END HIDDEN
