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


# BEGIN HIDDEN
# ---------------------------------------------------------------------------------------------
# 1.1 standardisation without leakage

import hypothesis.strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from harness.checks import SubmissionProblem, call_repr, expect_raises, for_all  # noqa: E402


def _integer_valued(rows: tuple[int, int], cols: tuple[int, int]) -> st.SearchStrategy:
    """Float matrices with integer values: a column is either exactly constant or clearly spread."""
    shape = st.tuples(st.integers(*rows), st.integers(*cols))
    return shape.flatmap(
        lambda s: hnp.arrays(np.float64, s, elements=st.integers(-50, 50).map(float))
    )


@check("1.1", points=2, category="leakage")
def check_train_output_ignores_test_set(ctx: CheckContext) -> None:
    """X_train_std must not change when only X_test changes (no test statistics in the fit)."""
    X_train = ctx.rng.normal(3.0, 2.0, size=(40, 4))
    first, _ = ctx.student.standardize_without_leakage(X_train, ctx.rng.normal(size=(7, 4)))
    call_a = ctx.student.last_call
    second, _ = ctx.student.standardize_without_leakage(
        X_train, ctx.rng.normal(50.0, 10.0, size=(12, 4))
    )
    call_b = ctx.student.last_call
    expect_close(
        second,
        first,
        what="X_train_std",
        context=Text(
            en=f"{call_a} and then {call_b} with the same X_train but a different X_test (the training output changed, so test data leaked into the statistics)",
            pt=f"{call_a} e depois {call_b} com o mesmo X_train e outro X_test (a saída de treino mudou, então dados de teste vazaram para as estatísticas)",
        ),
        rtol=1e-9,
        atol=1e-12,
    )


@check("1.1", points=2, category="leakage")
def check_test_rows_are_independent(ctx: CheckContext) -> None:
    """Each test row's output depends on that row alone (no statistics of the test set)."""
    X_train = ctx.rng.normal(1.0, 3.0, size=(30, 3))
    X_test = ctx.rng.normal(size=(8, 3))
    _, full = ctx.student.standardize_without_leakage(X_train, X_test)
    _, alone = ctx.student.standardize_without_leakage(X_train, X_test[2:3])
    expect_close(
        alone,
        np.asarray(full)[2:3] if np.ndim(full) == 2 else full,
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
        np.asarray(with_outlier)[1:],
        np.asarray(full)[1:],
        what="X_test_std[1:]",
        context=Text(
            en="changing only test row 0 changed the outputs of the other test rows",
            pt="mudar apenas a linha de teste 0 mudou as saídas das outras linhas de teste",
        ),
        rtol=1e-9,
        atol=1e-12,
    )


@check("1.1", points=2, category="correctness")
def check_standardize_matches_reference(ctx: CheckContext) -> None:
    """Agreement with StandardScaler-style statistics on generated shapes and values."""

    def prop(arrays: tuple[np.ndarray, np.ndarray]) -> None:
        X_train, X_test = arrays
        got = ctx.student.standardize_without_leakage(X_train, X_test)
        call = ctx.student.last_call
        want = ctx.reference.standardize_without_leakage(X_train, X_test)
        expect(
            isinstance(got, tuple | list) and len(got) == 2,
            en="{call} should return a pair (X_train_std, X_test_std), got {got}.",
            pt="{call} deveria retornar um par (X_train_std, X_test_std), obteve {got}.",
            call=call,
            got=type(got).__name__,
        )
        expect_close(got[0], want[0], what="X_train_std", context=call, rtol=1e-7, atol=1e-9)
        expect_close(got[1], want[1], what="X_test_std", context=call, rtol=1e-7, atol=1e-9)

    strategy = st.integers(1, 5).flatmap(
        lambda m: st.tuples(
            _integer_valued((2, 25), (m, m)),
            _integer_valued((1, 8), (m, m)),
        )
    )
    for_all(strategy, prop, examples=25)


@check("1.1", points=1, category="stability")
def check_constant_column_is_centred_not_scaled(ctx: CheckContext) -> None:
    X_train = ctx.rng.normal(size=(20, 3))
    X_train[:, 1] = 2.0
    X_test = ctx.rng.normal(size=(5, 3))
    train_std, test_std = ctx.student.standardize_without_leakage(X_train, X_test)
    call = ctx.student.last_call
    train_std = np.asarray(train_std)
    test_std = np.asarray(test_std)
    for name, value in (("X_train_std", train_std), ("X_test_std", test_std)):
        expect(
            np.all(np.isfinite(value)),
            en="{call}: {name} has NaN or inf when X_train has a constant column (column 1 is all 2.0); a constant column must be centred, not divided by its zero standard deviation.",
            pt="{call}: {name} tem NaN ou inf quando X_train tem uma coluna constante (a coluna 1 vale sempre 2.0); uma coluna constante deve ser centrada, não dividida pelo desvio-padrão zero.",
            call=call,
            name=name,
        )
    expect_close(
        train_std[:, 1], np.zeros(20), what="X_train_std[:, 1] (constant column)", context=call
    )
    expect_close(
        test_std[:, 1],
        X_test[:, 1] - 2.0,
        what="X_test_std[:, 1] (constant column: centred, not scaled)",
        context=call,
    )


@check("1.1", points=1, category="stability")
def check_single_test_row(ctx: CheckContext) -> None:
    X_train = ctx.rng.normal(size=(15, 4))
    X_test = ctx.rng.normal(size=(1, 4))
    _, got = ctx.student.standardize_without_leakage(X_train, X_test)
    _, want = ctx.reference.standardize_without_leakage(X_train, X_test)
    expect_close(got, want, what="X_test_std", context=ctx.student.last_call, rtol=1e-7, atol=1e-9)


@check("1.1", points=1, category="stability")
def check_float32_inputs(ctx: CheckContext) -> None:
    X_train = ctx.rng.normal(100.0, 5.0, size=(50, 3)).astype(np.float32)
    X_test = ctx.rng.normal(100.0, 5.0, size=(6, 3)).astype(np.float32)
    got_train, got_test = ctx.student.standardize_without_leakage(X_train, X_test)
    call = ctx.student.last_call
    want_train, want_test = ctx.reference.standardize_without_leakage(
        X_train.astype(np.float64), X_test.astype(np.float64)
    )
    expect_close(
        got_train,
        want_train,
        what="X_train_std (float32 input)",
        context=call,
        rtol=1e-3,
        atol=1e-3,
    )
    expect_close(
        got_test, want_test, what="X_test_std (float32 input)", context=call, rtol=1e-3, atol=1e-3
    )


@check("1.1", points=1, category="side-effects")
def check_standardize_leaves_inputs_untouched(ctx: CheckContext) -> None:
    X_train = ctx.rng.normal(2.0, 3.0, size=(12, 3))
    X_test = ctx.rng.normal(2.0, 3.0, size=(4, 3))
    _, args, _ = ctx.student.standardize_without_leakage.call_with_inputs(
        X_train.copy(), X_test.copy()
    )
    call = call_repr("standardize_without_leakage", (X_train, X_test), {})
    for name, before, after in (("X_train", X_train, args[0]), ("X_test", X_test, args[1])):
        if not (
            isinstance(after, np.ndarray)
            and after.shape == before.shape
            and np.array_equal(after, before)
        ):
            fail(
                en="{call} modified its argument {name} in place; compute new arrays instead (e.g. X = X - mean, not X -= mean).",
                pt="{call} modificou o argumento {name} no lugar; crie novos arrays (por exemplo X = X - media, não X -= media).",
                call=call,
                name=name,
            )


@check("1.1", points=1, category="correctness", timeout=60.0)
def check_leakage_experiment_structure(ctx: CheckContext) -> None:
    first = ctx.student.leakage_experiment(seed=0)
    call = ctx.student.last_call
    keys = {"accuracy_with_leak", "accuracy_without_leak"}
    expect(
        isinstance(first, dict) and keys <= set(first),
        en="{call} should return a dict with the keys {keys}, got {got}.",
        pt="{call} deveria retornar um dict com as chaves {keys}, obteve {got}.",
        call=call,
        keys=sorted(keys),
        got=first if not isinstance(first, dict) else sorted(first),
    )
    for key in sorted(keys):
        value = first[key]
        expect(
            isinstance(value, int | float | np.floating) and 0.0 <= float(value) <= 1.0,
            en="{call}[{key!r}] should be an accuracy in [0, 1], got {got!r}.",
            pt="{call}[{key!r}] deveria ser uma acurácia em [0, 1], obteve {got!r}.",
            call=call,
            key=key,
            got=value,
        )
    second = ctx.student.leakage_experiment(seed=0)
    expect(
        all(float(first[k]) == float(second[k]) for k in keys),
        en="{call} gave different results for the same seed: {a} then {b}; seed every source of randomness.",
        pt="{call} deu resultados diferentes para a mesma semente: {a} e depois {b}; fixe a semente de toda fonte de aleatoriedade.",
        call=call,
        a=first,
        b=second,
    )


# ---------------------------------------------------------------------------------------------
# 1.2 class statistics


def _labelled_data(
    ctx: CheckContext, sizes: list[int], labels: list[int], m: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    parts = [
        ctx.rng.normal(loc=3.0 * i, scale=1.0 + i, size=(size, m)) for i, size in enumerate(sizes)
    ]
    X = np.concatenate(parts)
    y = np.concatenate([np.full(size, label) for size, label in zip(sizes, labels)])
    order = ctx.rng.permutation(len(y))
    return X[order], y[order]


def _get_stat(stats: object, key: str, call: str) -> np.ndarray:
    if not isinstance(stats, dict) or key not in stats:
        fail(
            en="{call} should return a dict with the key {key!r}, got {got}.",
            pt="{call} deveria retornar um dict com a chave {key!r}, obteve {got}.",
            call=call,
            key=key,
            got=sorted(stats) if isinstance(stats, dict) else type(stats).__name__,
        )
    return np.asarray(stats[key])  # type: ignore[index]


@check("1.2", points=1, category="shape")
def check_class_statistics_shapes(ctx: CheckContext) -> None:
    X, y = _labelled_data(ctx, [10, 7, 12, 5], [0, 1, 2, 3], m=5)
    stats = ctx.student.class_statistics(X, y)
    call = ctx.student.last_call
    expect_shape(_get_stat(stats, "global_mean", call), (5,), what='"global_mean"', context=call)
    expect_shape(_get_stat(stats, "class_means", call), (4, 5), what='"class_means"', context=call)
    expect_shape(
        _get_stat(stats, "farthest_index", call), (4,), what='"farthest_index"', context=call
    )


@check("1.2", points=2, category="correctness")
def check_class_means_follow_unique_label_order(ctx: CheckContext) -> None:
    """Labels that are not 0..k-1 and arrive unsorted: rows must follow np.unique(y)."""
    X, y = _labelled_data(ctx, [9, 14, 6], [7, 2, 11])
    got = _get_stat(ctx.student.class_statistics(X, y), "class_means", ctx.student.last_call)
    want = np.stack([X[y == c].mean(axis=0) for c in np.unique(y)])
    expect_close(
        got,
        want,
        what='"class_means" (rows in the order of np.unique(y) = [2, 7, 11])',
        context=ctx.student.last_call,
        rtol=1e-7,
        atol=1e-9,
    )


@check("1.2", points=1, category="correctness")
def check_global_mean_with_imbalanced_classes(ctx: CheckContext) -> None:
    """With imbalanced classes the global mean is not the mean of the class means."""
    X, y = _labelled_data(ctx, [40, 5, 3], [0, 1, 2])
    got = _get_stat(ctx.student.class_statistics(X, y), "global_mean", ctx.student.last_call)
    expect_close(
        got,
        X.mean(axis=0),
        what='"global_mean" (mean of all samples, not the mean of the class means)',
        context=ctx.student.last_call,
        rtol=1e-7,
        atol=1e-9,
    )


@check("1.2", points=2, category="correctness")
def check_farthest_index_points_into_X(ctx: CheckContext) -> None:
    """Indices are rows of X (not of the class subset) at maximal distance from the class mean."""

    def prop(seed: int) -> None:
        rng = np.random.default_rng(seed)
        k = int(rng.integers(2, 5))
        sizes = rng.integers(2, 12, size=k)
        labels = rng.choice(np.arange(-3, 20), size=k, replace=False)
        X = np.concatenate([rng.normal(4.0 * i, 1.0, size=(s, 3)) for i, s in enumerate(sizes)])
        y = np.repeat(labels, sizes)
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
        got = _get_stat(ctx.student.class_statistics(X, y), "farthest_index", ctx.student.last_call)
        call = ctx.student.last_call
        for position, label in enumerate(np.unique(y)):
            index = int(got[position]) if got.ndim == 1 and position < got.shape[0] else -1
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
                distance >= distances.max() - 1e-9,
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
        st.integers(0, 10_000),
        prop,
        examples=15,
        show=lambda seed: f"data generated with seed {seed}",
    )


# ---------------------------------------------------------------------------------------------
# 1.3 / 1.4 projection and plot


def _spectrum_data(ctx: CheckContext, n: int, m: int) -> np.ndarray:
    """Data with well separated principal variances, so the top two components are unique."""
    scales = np.geomspace(10.0, 0.5, m)
    basis, _ = np.linalg.qr(ctx.rng.normal(size=(m, m)))
    return (ctx.rng.normal(size=(n, m)) * scales) @ basis.T + ctx.rng.normal(5.0, 2.0, size=m)


def _match_up_to_sign(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    signs = np.sign(np.sum(got * want, axis=0))
    signs[signs == 0] = 1.0
    return got * signs


@check("1.3", points=1, category="correctness")
def check_project_2d_keeps_two_feature_data(ctx: CheckContext) -> None:
    X = ctx.rng.normal(3.0, 2.0, size=(25, 2))
    got = expect_shape(
        ctx.student.project_2d(X), (25, 2), what="project_2d(X)", context=ctx.student.last_call
    ).astype(float)
    aligned = _match_up_to_sign(got - got.mean(axis=0), X - X.mean(axis=0))
    expect_close(
        aligned,
        X - X.mean(axis=0),
        what="project_2d(X) for m = 2 (the data itself, up to a shift and the sign of each axis)",
        context=ctx.student.last_call,
        rtol=1e-6,
        atol=1e-8,
    )


@check("1.3", points=3, category="correctness")
def check_project_2d_principal_scores(ctx: CheckContext) -> None:
    """PCA scores on the top two components (compared up to the sign of each component)."""
    for n, m in ((60, 6), (8, 20)):
        X = _spectrum_data(ctx, n, m)
        got = expect_shape(
            ctx.student.project_2d(X), (n, 2), what="project_2d(X)", context=ctx.student.last_call
        ).astype(float)
        call = ctx.student.last_call
        want = np.asarray(ctx.reference.project_2d(X))
        expect_close(
            _match_up_to_sign(got, want),
            want,
            what="project_2d(X) (principal-component scores, up to the sign of each column)",
            context=call,
            rtol=1e-5,
            atol=1e-6,
        )


@check("1.3", points=1, category="shape")
def check_project_2d_shapes(ctx: CheckContext) -> None:
    for n, m in ((7, 3), (4, 10), (30, 64)):
        X = ctx.rng.normal(size=(n, m))
        expect_shape(
            ctx.student.project_2d(X), (n, 2), what="project_2d(X)", context=ctx.student.last_call
        )


@check("1.4", points=3, category="correctness")
def check_plot_marks_global_and_class_means(ctx: CheckContext) -> None:
    """The figure draws points at the global mean and at every class mean (projected)."""
    X = _spectrum_data(ctx, 45, 5)
    y = np.repeat([0, 1, 2], [20, 15, 10])
    X[y == 1] += 8.0
    X[y == 2] -= 6.0
    figure = ctx.student.plot_feature_space(X, y)
    call = ctx.student.last_call
    if getattr(figure, "kind", None) != "figure":
        fail(
            en="{call} should return a matplotlib Figure, got {got}.",
            pt="{call} deveria retornar uma Figure do matplotlib, obteve {got}.",
            call=call,
            got=getattr(figure, "type_name", type(figure).__name__),
        )
    ctx.attach_png(
        Text(
            en="Student's feature-space figure", pt="Figura do espaço de características do aluno"
        ),
        figure.figure_png(dpi=70),
    )
    points = np.concatenate(
        [np.asarray(a["points"], float).reshape(-1, 2) for a in figure.figure_summary()["axes"]]
        or [np.zeros((0, 2))]
    )
    # The plot is judged on its own coordinates: the student's project_2d if it runs (a wrong 1.3
    # must not cost 1.4 again), else the reference projection; each axis up to its sign.
    projections = [np.asarray(ctx.reference.project_2d(X), float)]
    try:
        own = np.asarray(ctx.student.project_2d(X), float)
        if own.shape == (len(X), 2) and np.all(np.isfinite(own)):
            projections.insert(0, own)
    except SubmissionProblem:
        pass
    best_missing: list[str] | None = None
    best_targets: dict[str, np.ndarray] = {}
    for projected in projections:
        targets = {"global mean": projected.mean(axis=0)}
        for c in np.unique(y):
            targets[f"mean of class {c}"] = projected[y == c].mean(axis=0)
        scale = float(np.abs(projected).max())
        for sx in (1.0, -1.0):
            for sy in (1.0, -1.0):
                missing = []
                for name, target in targets.items():
                    point = target * np.array([sx, sy])
                    if (
                        points.size == 0
                        or np.min(np.linalg.norm(points - point, axis=1)) > 1e-3 * scale
                    ):
                        missing.append(name)
                if not missing:
                    return
                if best_missing is None or len(missing) < len(best_missing):
                    best_missing, best_targets = missing, targets
    fail(
        en="{call}: the figure draws no point at the {missing} (in the coordinates of project_2d; expected points such as {example}). Mark the global mean and each class mean, e.g. with ax.scatter.",
        pt="{call}: a figura não desenha nenhum ponto em {missing} (nas coordenadas de project_2d; esperavam-se pontos como {example}). Marque a média global e a média de cada classe, por exemplo com ax.scatter.",
        call=call,
        missing=", ".join(best_missing or []),
        example=np.round(best_targets.get("global mean", np.zeros(2)), 3).tolist(),
    )


# ---------------------------------------------------------------------------------------------
# 1.5 closed-form linear regression


@check("1.5", points=2, category="correctness")
def check_interpolates_when_m_exceeds_n(ctx: CheckContext) -> None:
    X = ctx.rng.normal(size=(10, 40))
    Y = ctx.rng.normal(size=10)
    W = ctx.student.fit_linear_closed_form(X, Y)
    call = ctx.student.last_call
    W = expect_shape(W, (40,), what="W", context=call).astype(float)
    expect_close(
        X @ W,
        Y,
        what="X @ W (with m > n and ridge = 0 the solution interpolates the data)",
        context=call,
        rtol=1e-6,
        atol=1e-8,
    )


@check("1.5", points=2, category="correctness")
def check_minimum_norm_solution(ctx: CheckContext) -> None:
    """Among all interpolating W, the one of minimum norm: W lies in the row space of X."""
    X = ctx.rng.normal(size=(12, 30))
    Y = ctx.rng.normal(size=(12, 2))
    W = expect_shape(
        ctx.student.fit_linear_closed_form(X, Y, ridge=0.0),
        (30, 2),
        what="W",
        context=ctx.student.last_call,
    ).astype(float)
    call = ctx.student.last_call
    projector = np.linalg.pinv(X) @ X
    null_part = W - projector @ W
    expect(
        np.linalg.norm(null_part) <= 1e-6 * max(np.linalg.norm(W), 1.0),
        en="{call}: W has a component of norm {norm:.3g} outside the row space of X, so it is not the minimum-norm solution (there are infinitely many interpolating W when m > n).",
        pt="{call}: W tem uma componente de norma {norm:.3g} fora do espaço das linhas de X, então não é a solução de norma mínima (há infinitas W interpolantes quando m > n).",
        call=call,
        norm=float(np.linalg.norm(null_part)),
    )
    expect_close(
        W,
        np.asarray(ctx.reference.fit_linear_closed_form(X, Y, ridge=0.0)),
        what="W",
        context=call,
        rtol=1e-6,
        atol=1e-8,
    )


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
    got = ctx.student.fit_linear_closed_form(X, Y)
    want = np.linalg.lstsq(X, Y, rcond=None)[0]
    expect_close(
        got,
        want,
        what="W (ordinary least squares when n > m)",
        context=ctx.student.last_call,
        rtol=1e-6,
        atol=1e-8,
    )


@check("1.5", points=1, category="shape")
def check_closed_form_output_shapes(ctx: CheckContext) -> None:
    X = ctx.rng.normal(size=(6, 9))
    expect_shape(
        ctx.student.fit_linear_closed_form(X, ctx.rng.normal(size=6)),
        (9,),
        what="W for Y of shape (6,)",
        context=ctx.student.last_call,
    )
    expect_shape(
        ctx.student.fit_linear_closed_form(X, ctx.rng.normal(size=(6, 4)), ridge=1.0),
        (9, 4),
        what="W for Y of shape (6, 4)",
        context=ctx.student.last_call,
    )


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


def _blobs_with_far_groups(rng: np.random.Generator) -> tuple[np.ndarray, list[np.ndarray]]:
    main = rng.normal(0.0, 1.0, size=(400, 2))
    centres = [np.array([30.0, 0.0]), np.array([-20.0, 25.0]), np.array([0.0, -35.0])]
    groups = [c + rng.normal(0.0, 0.3, size=(4, 2)) for c in centres]
    X = np.concatenate([main, *groups])
    starts = np.cumsum([400] + [4] * len(groups))
    return X, [np.arange(s, s + 4) for s in starts[:-1]]


@check("1.6", points=1, category="correctness")
def check_coreset_deterministic_per_seed(ctx: CheckContext) -> None:
    X = ctx.rng.normal(size=(120, 3))
    first = np.asarray(ctx.student.select_coreset(X, 10, seed=3))
    for attempt in ("second", "third"):
        again = np.asarray(ctx.student.select_coreset(X, 10, seed=3))
        expect_equal(
            sorted(again.tolist()),
            sorted(first.tolist()),
            what=f"the indices of a {attempt} call with the same seed",
            context=ctx.student.last_call,
        )


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
    indices = _expect_valid_indices(
        ctx.student.select_coreset(X, k, seed=0), n=len(X), k=k, call=ctx.student.last_call
    )
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
    X, groups = _blobs_with_far_groups(ctx.rng)
    indices = _expect_valid_indices(
        ctx.student.select_coreset(X, 8, seed=1), n=len(X), k=8, call=ctx.student.last_call
    )
    for number, group in enumerate(groups, start=1):
        expect(
            bool(np.intersect1d(indices, group).size),
            en="{call}: none of the 8 selected points comes from the small far-away group {g} (rows {rows}); a coreset must represent every region of the data.",
            pt="{call}: nenhum dos 8 pontos selecionados vem do pequeno grupo afastado {g} (linhas {rows}); um coreset deve representar todas as regiões dos dados.",
            call=ctx.student.last_call,
            g=number,
            rows=group.tolist(),
        )


@check("1.6", points=1, category="stability")
def check_coreset_k_too_large_raises(ctx: CheckContext) -> None:
    X = ctx.rng.normal(size=(5, 2))
    expect_raises("ValueError", ctx.student.select_coreset, X, 6, seed=0)


@check("1.6", points=1, category="stability")
def check_coreset_k_equal_to_n(ctx: CheckContext) -> None:
    X = ctx.rng.normal(size=(6, 2))
    indices = _expect_valid_indices(
        ctx.student.select_coreset(X, 6, seed=0), n=6, k=6, call=ctx.student.last_call
    )
    expect_equal(
        sorted(indices.tolist()),
        list(range(6)),
        what="the indices when k = n",
        context=ctx.student.last_call,
    )


# END HIDDEN
