"""Grader for ch02_feedforward (PCS 5022, chapter 2: feedforward networks).

Models come back from the worker as handles; the checks look at their structure (summary and a
traced forward pass) and measure their behaviour on data the judge chooses.
# BEGIN HIDDEN

Requirement of the statement (README) -> checks (``check_`` prefix dropped):
2.1 hidden layer i has k**i units, then a Linear to out_features (n = 1, k = 1, out = 1 included)
    -> power_mlp_linear_widths_in_order, power_mlp_parameter_count, power_mlp_output_shapes,
    power_mlp_output_shape_public
2.1 a nonlinearity between layers -> power_mlp_nonlinearity_between_layers
2.1 n < 1 or k < 1 (0 and negative) raise ValueError -> power_mlp_rejects_bad_sizes
2.2 layer(X) == pca.transform(X), PCA fitted on float64 and float32 data
    -> pca_to_linear_public, pca_to_linear_matches_transform; with whiten: pca_to_linear_with_whitening
2.2 an nn.Linear -> pca_to_linear_is_linear_layer
2.3 labels uniform over 0..n_classes-1 (n_classes = 4 and 2) -> random_labels_are_valid
2.3 labels depend only on seed (not on X's values) -> random_labels_depend_only_on_seed
2.3 labels independent of X (<= chance + 0.15) -> labels_carry_no_signal
2.3 memorised (float64 and float32 X; full from 0.95, none at 0.5) -> model_memorises_training_set
2.3 eval mode (predictions independent of the batch) -> predictions_follow_the_samples
2.3 more parameters than samples -> model_is_overparameterised; discussion: rubric
# END HIDDEN
"""

from __future__ import annotations

import numpy as np
import torch

from harness.checks import (
    MODULE,
    Array,
    CheckContext,
    GraderSettings,
    Text,
    Tuple,
    assess_only_if,
    check,
    expect_close,
    expect_shape,
    refine,
    rubric,
)

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=60.0, submission_budget_s=300.0)

# every check calls memorize_random_labels on X of N_SAMPLES rows: one integer label per row
N_SAMPLES, N_FEATURES, N_CLASSES = 240, 12, 4
CONTRACT = refine(
    memorize_random_labels=Tuple((MODULE, Array(shape=(N_SAMPLES,), integer=True))),
)

MEMORIZATION_DISCUSSION = rubric(
    "2.3",
    "memorization_discussion",
    2,
    Text(
        en="Is fitting random labels a good or a bad property of over-parameterised models? Relate it to generalisation.",
        pt="Ajustar rótulos aleatórios é uma propriedade boa ou ruim dos modelos superparametrizados? Relacione com generalização.",
    ),
)


@check("2.1", points=1, category="shape", hidden=False)
def check_power_mlp_output_shape_public(ctx: CheckContext) -> None:
    model = ctx.student.make_power_mlp(4, 2, 3, 5)
    call = ctx.student.last_call
    x = torch.randn(7, 4, generator=ctx.torch_generator())
    out = expect_shape(model(x), (7, 5), what="model(x) for x of shape (7, 4)", context=call)
    assess_only_if(
        bool(np.ptp(out, axis=0).max() > 0),
        en="{call}: model(x) is the same for every row of x, or not finite; the model computes nothing from its input.",
        pt="{call}: model(x) é igual para toda linha de x, ou não é finito; o modelo não calcula nada a partir da entrada.",
        call=call,
    )


@check("2.2", points=1, category="correctness", hidden=False)
def check_pca_to_linear_public(ctx: CheckContext) -> None:
    from sklearn.decomposition import PCA

    X = np.random.default_rng(0).normal(size=(40, 5)) + 3.0
    pca = PCA(n_components=2).fit(X)
    layer = ctx.student.pca_to_linear(pca)
    expect_close(
        layer(torch.as_tensor(X, dtype=torch.float32)),
        pca.transform(X),
        what="layer(X)",
        context="pca_to_linear(PCA(n_components=2).fit(X))",
        rtol=1e-4,
        atol=1e-4,
    )


# BEGIN HIDDEN
import hypothesis.strategies as st  # noqa: E402

from harness.checks import accuracy_partial, as_array, expect, expect_raises, for_all  # noqa: E402

LINEAR_OPS = set("addmm mm matmul linear bmm baddbmm einsum addmv mv".split())  # noqa: SIM905
NONLINEAR_OPS = set(
    """relu relu_ gelu tanh tanh_ sigmoid sigmoid_ elu elu_ leaky_relu leaky_relu_ silu silu_
    softplus hardtanh hardtanh_ clamp clamp_ clamp_min clamp_min_ clamp_max threshold threshold_
    mish selu celu prelu _prelu_kernel rrelu_with_noise hardswish hardsigmoid log_sigmoid_forward
    softshrink hardshrink sin cos exp abs maximum minimum where square pow erf glu logsigmoid
    softsign sign sgn""".split()  # noqa: SIM905
)


def _made(ctx: CheckContext, args: tuple[int, ...]) -> tuple[object, str]:
    """The student's make_power_mlp(*args) and how it was called (for messages)."""
    return ctx.student.make_power_mlp(*args), ctx.student.last_call


def _linear_layers(model: object, x: torch.Tensor) -> list[tuple[int, int]]:
    """(in, out) of the modules owning a 2-D weight, in the order the forward pass calls them."""
    weights = {
        row["name"]: (p["shape"][1], p["shape"][0])
        for row in model.summary()["modules"]  # type: ignore[attr-defined]
        for p in row["parameters"]
        if p["name"] == "weight" and len(p["shape"]) == 2
    }
    calls = model.trace(x)["module_calls"]  # type: ignore[attr-defined]
    return [weights[name] for name in dict.fromkeys(c["name"] for c in calls) if name in weights]


def _expected_widths(in_features: int, n: int, k: int, out_features: int) -> list[tuple[int, int]]:
    widths = [in_features] + [k**i for i in range(1, n + 1)] + [out_features]
    return list(zip(widths[:-1], widths[1:]))


def _parameter_count(model: object) -> int:
    rows = model.summary()["modules"]  # type: ignore[attr-defined]
    return sum(int(np.prod(p["shape"])) for row in rows for p in row["parameters"])


@check("2.1", points=3, category="shape")
def check_power_mlp_linear_widths_in_order(ctx: CheckContext) -> None:
    """The Linear layers met by a forward pass have widths in -> k -> ... -> k**n -> out, chained."""
    for args in ((5, 3, 2, 3), (3, 1, 4, 2), (6, 2, 3, 1), (2, 4, 1, 2)):
        model, call = _made(ctx, args)
        got, expected = _linear_layers(model, torch.zeros(2, args[0])), _expected_widths(*args)
        expect(
            got == expected,
            en="{call}: the forward pass goes through Linear layers with (in_features, out_features) = {got}, expected {expected} (hidden layer i has k**i units, then a Linear to out_features).",
            pt="{call}: a passagem forward atravessa camadas Linear com (in_features, out_features) = {got}, esperado {expected} (a camada oculta i tem k**i neurônios, depois uma Linear para out_features).",
            call=call,
            got=got,
            expected=expected,
        )


@check("2.1", points=1, category="shape", requires=check_power_mlp_linear_widths_in_order)
def check_power_mlp_output_shapes(ctx: CheckContext) -> None:
    for args, batch in (((5, 3, 2, 3), 4), ((3, 1, 4, 2), 1), ((8, 2, 3, 7), 9)):
        model, call = _made(ctx, args)
        expect_shape(
            model(torch.randn(batch, args[0])), (batch, args[3]), what="model(x)", context=call
        )


@check("2.1", points=1, category="shape", requires=check_power_mlp_linear_widths_in_order)
def check_power_mlp_parameter_count(ctx: CheckContext) -> None:
    for args in ((5, 3, 2, 3), (7, 2, 5, 4)):
        model, call = _made(ctx, args)
        count, expected = (
            _parameter_count(model),
            sum(i * o + o for i, o in _expected_widths(*args)),
        )
        expect(
            count == expected,
            en="{call}: the model has {got} parameters, expected {expected} (weights and biases of the Linear layers).",
            pt="{call}: o modelo tem {got} parâmetros, esperado {expected} (pesos e vieses das camadas Linear).",
            call=call,
            got=count,
            expected=expected,
        )


@check("2.1", points=2, category="shape", requires=check_power_mlp_linear_widths_in_order)
def check_power_mlp_nonlinearity_between_layers(ctx: CheckContext) -> None:
    """Every pair of consecutive linear maps has a nonlinear op between them (else it collapses to one)."""
    for args in ((4, 3, 2, 2), (3, 1, 3, 2)):
        model, call = _made(ctx, args)
        ops = model.trace(torch.randn(3, args[0]))["ops"]
        positions = [i for i, op in enumerate(ops) if op in LINEAR_OPS]
        for left, right in zip(positions, positions[1:]):
            between = set(ops[left + 1 : right])
            expect(
                bool(between & NONLINEAR_OPS),
                en="{call}: two linear operations run one after the other with no nonlinearity between them (ops in between: {between}); the network is then equivalent to a single linear layer.",
                pt="{call}: duas operações lineares rodam em sequência sem não linearidade entre elas (operações no meio: {between}); a rede equivale então a uma única camada linear.",
                call=call,
                between=sorted(between) or "none",
            )


@check("2.1", points=1, category="stability", requires=check_power_mlp_linear_widths_in_order)
def check_power_mlp_rejects_bad_sizes(ctx: CheckContext) -> None:
    for n, k in ((0, 2), (2, 0), (-1, 2), (2, -3)):
        expect_raises("ValueError", ctx.student.make_power_mlp, 4, n, k, 3)


# ---------------------------------------------------------------------------------------------
# 2.2 PCA as nn.Linear


def _pca_case(seed: int, n: int, m: int, components: int, whiten: bool, dtype=np.float64) -> tuple:
    """A PCA fitted on data of the given dtype (its attributes have that dtype too)."""
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(seed)
    scales = np.geomspace(5.0, 0.2, m)
    X = (rng.normal(size=(n, m)) * scales + rng.normal(0.0, 10.0, size=m)).astype(dtype)
    pca = PCA(n_components=components, whiten=whiten, svd_solver="full").fit(X)
    X_new = rng.normal(size=(11, m)) * scales + rng.normal(0.0, 10.0, size=m)
    return pca, X_new, pca.transform(X_new.astype(dtype)).astype(float)


def _pca_matches(ctx: CheckContext, whiten: bool) -> None:
    def prop(case: tuple[int, int, int, int]) -> None:
        seed, n, m, components = (*case[:3], min(case[1:]))
        for dtype in (np.float64, np.float32):
            pca, X_new, want = _pca_case(seed, n, m, components, whiten, dtype)
            layer = ctx.student.pca_to_linear(pca)
            call = f"pca_to_linear(PCA(n_components={components}, whiten={whiten}) fitted on {dtype.__name__} X of shape ({n}, {m}))"
            expect_close(
                layer(torch.as_tensor(X_new, dtype=torch.float32)),
                want,
                what="layer(X_new)",
                context=Text(
                    en=f"{call}: layer(X_new) must equal pca.transform(X_new)",
                    pt=f"{call}: layer(X_new) deve ser igual a pca.transform(X_new)",
                ),
                rtol=1e-3,
                atol=2e-4 * max(1.0, float(np.abs(want).max())),
            )

    for_all(
        st.tuples(st.integers(0, 1000), st.integers(8, 40), st.integers(2, 9), st.integers(1, 5)),
        prop,
        examples=12,
        show=lambda c: (
            f"seed={c[0]}, n={c[1]}, m={c[2]}, n_components={min(c[3], c[2], c[1])}, whiten={whiten}"
        ),
    )


@check("2.2", points=3, category="correctness")
def check_pca_to_linear_matches_transform(ctx: CheckContext) -> None:
    _pca_matches(ctx, whiten=False)


@check("2.2", points=2, category="correctness")
def check_pca_to_linear_with_whitening(ctx: CheckContext) -> None:
    _pca_matches(ctx, whiten=True)


@check("2.2", points=1, category="shape", requires=check_pca_to_linear_matches_transform)
def check_pca_to_linear_is_linear_layer(ctx: CheckContext) -> None:
    layer = ctx.student.pca_to_linear(_pca_case(3, 30, 7, 3, False)[0])
    call = ctx.student.last_call
    expect(
        layer.isinstance_of("torch.nn:Linear"),
        en="{call} should return an nn.Linear, got {got}.",
        pt="{call} deveria retornar uma nn.Linear, obteve {got}.",
        call=call,
        got=layer.type_name,
    )


# ---------------------------------------------------------------------------------------------
# 2.3 memorising random labels

X_MEMORIZE = np.random.default_rng(1234).normal(size=(N_SAMPLES, N_FEATURES))


def _memorize(
    ctx: CheckContext, seed: int = 7, n_classes: int = N_CLASSES, X: np.ndarray = X_MEMORIZE
) -> tuple[object, np.ndarray, str]:
    model, labels = ctx.student.memorize_random_labels(X, n_classes, seed)
    return model, as_array(labels).astype(np.int64), ctx.student.last_call


def _predict(model: object, X: np.ndarray, call: str) -> np.ndarray:
    logits = expect_shape(
        model(torch.as_tensor(X, dtype=torch.float32)),  # type: ignore[operator]
        (len(X), N_CLASSES),
        what=f"model(X) for X of shape {X.shape} (one logit per class)",
        context=call,
    )
    return np.argmax(logits, axis=1)


@check("2.3", points=1, category="correctness")
def check_random_labels_are_valid(ctx: CheckContext) -> None:
    """The labels are spread uniformly over 0..n_classes-1 (none outside it; each class count
    within 50% of n / n_classes), for n_classes = 4 and 2."""
    for n_classes in (N_CLASSES, 2):
        _, labels, call = _memorize(ctx, n_classes=n_classes)
        inside = (labels >= 0) & (labels < n_classes)
        counts = np.bincount(labels[inside], minlength=n_classes)
        expect(
            inside.all() and np.all(np.abs(counts / (N_SAMPLES / n_classes) - 1) < 0.5),
            en="{call}: labels should be drawn uniformly from 0..{last}; counts per class are {counts}, and {out} labels lie outside that range.",
            pt="{call}: os rótulos deveriam ser sorteados uniformemente em 0..{last}; as contagens por classe são {counts}, e {out} rótulos estão fora desse intervalo.",
            call=call,
            last=n_classes - 1,
            counts=counts.tolist(),
            out=int((~inside).sum()),
        )


@check("2.3", points=3, category="behaviour", requires=check_random_labels_are_valid)
def check_model_memorises_training_set(ctx: CheckContext):
    """Training accuracy on (X, y_random), measured on the rows in an order the judge chooses;
    the worse of X given as float64 and as float32."""
    measured = []
    for dtype in (np.float64, np.float32):
        model, labels, call = _memorize(ctx, X=X_MEMORIZE.astype(dtype))
        order = ctx.rng.permutation(N_SAMPLES)
        hits = _predict(model, X_MEMORIZE[order], call) == labels[order]
        measured.append((float(hits.mean()), call))
    accuracy, call = min(measured, key=lambda pair: pair[0])
    return accuracy_partial(
        accuracy,
        full=0.95,
        zero=0.5,
        what="the training accuracy the judge measured on (X, y_random), rows shuffled",
        context=call,
    )


@check("2.3", points=1, category="behaviour", requires=check_model_memorises_training_set)
def check_predictions_follow_the_samples(ctx: CheckContext) -> None:
    """A sample's predicted class depends on that sample alone, not on the rest of the batch."""
    model, _, call = _memorize(ctx)
    order = ctx.rng.permutation(N_SAMPLES)
    whole = _predict(model, X_MEMORIZE[order], call)
    chunks = np.split(order, [1, 3, 10, 40, 120])
    parts = np.concatenate([_predict(model, X_MEMORIZE[chunk], call) for chunk in chunks])
    agree = float((parts == whole).mean())
    expect(
        agree >= 0.99,
        en="{call}: predicting X in batches of {sizes} rows instead of all at once changes the predicted class of {changed:.0%} of the samples; each prediction must come from its own input (no dependence on the batch; return the model in eval mode).",
        pt="{call}: predizer X em lotes de {sizes} linhas em vez de tudo de uma vez muda a classe predita de {changed:.0%} das amostras; cada predição deve vir da própria entrada (sem depender do lote; devolva o modelo em modo eval).",
        call=call,
        sizes=[len(c) for c in chunks],
        changed=1 - agree,
    )


@check("2.3", points=1, category="shape", requires=check_model_memorises_training_set)
def check_model_is_overparameterised(ctx: CheckContext) -> None:
    model, _, call = _memorize(ctx)
    count = _parameter_count(model)
    expect(
        count > N_SAMPLES,
        en="{call}: the model has {count} parameters for {n} samples; the experiment needs more parameters than samples.",
        pt="{call}: o modelo tem {count} parâmetros para {n} amostras; o experimento precisa de mais parâmetros que amostras.",
        call=call,
        count=count,
        n=N_SAMPLES,
    )


@check("2.3", points=1, category="correctness", requires=check_model_memorises_training_set)
def check_random_labels_depend_only_on_seed(ctx: CheckContext) -> None:
    """Same seed, same labels, also for another X of the same shape; another seed, other labels."""
    _, first, call = _memorize(ctx, seed=7)
    _, again, _ = _memorize(ctx, seed=7)
    _, other_X, _ = _memorize(ctx, seed=7, X=np.random.default_rng(5).normal(size=X_MEMORIZE.shape))
    _, other, _ = _memorize(ctx, seed=8)
    expect(
        np.array_equal(first, again),
        en="{call}: two calls with the same seed drew different labels; seed your random generator with `seed`.",
        pt="{call}: duas chamadas com a mesma semente sortearam rótulos diferentes; inicialize seu gerador com `seed`.",
        call=call,
    )
    expect(
        np.array_equal(first, other_X),
        en="{call}: the same seed with another X of the same shape drew different labels; the labels must depend on `seed` only, not on the values of X.",
        pt="{call}: a mesma semente com outro X da mesma forma sorteou rótulos diferentes; os rótulos devem depender só de `seed`, não dos valores de X.",
        call=call,
    )
    expect(
        not np.array_equal(first, other),
        en="{call}: seeds 7 and 8 gave the same labels; the labels must come from a generator seeded with `seed`.",
        pt="{call}: as sementes 7 e 8 deram os mesmos rótulos; os rótulos devem vir de um gerador inicializado com `seed`.",
        call=call,
    )


@check(
    "2.3",
    points=2,
    category="leakage",
    requires=(check_model_memorises_training_set, check_random_labels_depend_only_on_seed),
)
def check_labels_carry_no_signal(ctx: CheckContext) -> None:
    """A classifier trained on part of (X, y_random) must be at chance on the rest: labels are noise."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.neighbors import KNeighborsClassifier

    _, labels, call = _memorize(ctx)
    counts = np.unique(labels, return_counts=True)[1]
    assess_only_if(
        len(counts) >= 2 and counts.min() >= 5,
        en="{call}: y_random has class counts {counts}; at least two classes of 5 samples each are needed to measure anything.",
        pt="{call}: y_random tem contagens por classe {counts}; são precisas ao menos duas classes de 5 amostras cada para medir algo.",
        call=call,
        counts=counts.tolist(),
    )
    chance = 1.0 / N_CLASSES
    for name, model in (
        ("logistic regression", LogisticRegression(max_iter=500)),
        ("5-nearest neighbours", KNeighborsClassifier(5)),
    ):
        score = float(cross_val_score(model, X_MEMORIZE, labels, cv=5).mean())
        expect(
            score <= chance + 0.15,
            en="{call}: a {name} trained on 4/5 of (X, y_random) predicts the other 1/5 with accuracy {score:.2f} (chance is {chance:.2f}): your labels depend on X, so they are not random.",
            pt="{call}: uma {name} treinada em 4/5 de (X, y_random) acerta o 1/5 restante com acurácia {score:.2f} (o acaso é {chance:.2f}): seus rótulos dependem de X, então não são aleatórios.",
            call=call,
            name=name,
            score=score,
            chance=chance,
        )


# END HIDDEN
