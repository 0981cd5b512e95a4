"""Grader for ch02_feedforward (PCS 5022, chapter 2: feedforward networks).

Models come back from the worker as handles; the checks look at their structure (summary and a
traced forward pass) and measure their behaviour on data the judge chooses.
"""

from __future__ import annotations

import numpy as np
import torch

from harness.checks import (
    CheckContext,
    GraderSettings,
    Text,
    check,
    expect,
    expect_close,
    expect_module,
    expect_shape,
    fail,
    rubric,
)

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=60.0, submission_budget_s=300.0)

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
    model = expect_module(ctx.student.make_power_mlp(4, 2, 3, 5), ctx.student.last_call)
    out = model(torch.zeros(7, 4))
    expect_shape(
        out, (7, 5), what="model(x) for x of shape (7, 4)", context="make_power_mlp(4, 2, 3, 5)"
    )


@check("2.2", points=1, category="correctness", hidden=False)
def check_pca_to_linear_public(ctx: CheckContext) -> None:
    from sklearn.decomposition import PCA

    X = np.random.default_rng(0).normal(size=(40, 5)) + 3.0
    pca = PCA(n_components=2).fit(X)
    layer = expect_module(ctx.student.pca_to_linear(pca), ctx.student.last_call)
    got = layer(torch.as_tensor(X, dtype=torch.float32))
    expect_close(
        got,
        pca.transform(X),
        what="layer(X)",
        context="pca_to_linear(PCA(n_components=2).fit(X))",
        rtol=1e-4,
        atol=1e-4,
    )


# BEGIN HIDDEN
import hypothesis.strategies as st  # noqa: E402

from harness.checks import Partial, expect_raises, for_all  # noqa: E402

LINEAR_OPS = {"addmm", "mm", "matmul", "linear", "bmm", "baddbmm", "einsum", "addmv", "mv"}
NONLINEAR_OPS = {
    "relu",
    "relu_",
    "gelu",
    "tanh",
    "tanh_",
    "sigmoid",
    "sigmoid_",
    "elu",
    "elu_",
    "leaky_relu",
    "leaky_relu_",
    "silu",
    "silu_",
    "softplus",
    "hardtanh",
    "hardtanh_",
    "clamp",
    "clamp_",
    "clamp_min",
    "clamp_min_",
    "clamp_max",
    "threshold",
    "threshold_",
    "mish",
    "selu",
    "celu",
    "prelu",
    "_prelu_kernel",
    "rrelu_with_noise",
    "hardswish",
    "hardsigmoid",
    "log_sigmoid_forward",
    "softshrink",
    "hardshrink",
    "sin",
    "cos",
    "exp",
    "abs",
    "maximum",
    "minimum",
    "where",
    "square",
    "pow",
    "erf",
    "glu",
    "logsigmoid",
    "softsign",
    "sign",
    "sgn",
}


def _linear_layers(model: object, x: torch.Tensor) -> list[tuple[str, int, int]]:
    """(name, in, out) of the modules owning a 2-D weight, in the order the forward pass calls them."""
    summary = model.summary()  # type: ignore[attr-defined]
    weights = {}
    for row in summary["modules"]:
        for p in row["parameters"]:
            if p["name"] == "weight" and len(p["shape"]) == 2:
                weights[row["name"]] = (p["shape"][1], p["shape"][0])
    trace = model.trace(x)  # type: ignore[attr-defined]
    seen = []
    for call in trace["module_calls"]:
        if call["name"] in weights and call["name"] not in [s[0] for s in seen]:
            seen.append((call["name"], *weights[call["name"]]))
    return seen


def _expected_widths(in_features: int, n: int, k: int, out_features: int) -> list[tuple[int, int]]:
    widths = [in_features] + [k**i for i in range(1, n + 1)] + [out_features]
    return list(zip(widths[:-1], widths[1:]))


@check("2.1", points=3, category="shape")
def check_power_mlp_linear_widths_in_order(ctx: CheckContext) -> None:
    """The Linear layers met by a forward pass have widths in -> k -> ... -> k**n -> out, chained."""
    for args in ((5, 3, 2, 3), (3, 1, 4, 2), (6, 2, 3, 1), (2, 4, 1, 2)):
        model = expect_module(ctx.student.make_power_mlp(*args), ctx.student.last_call)
        call = ctx.student.last_call
        layers = _linear_layers(model, torch.zeros(2, args[0]))
        got = [(i, o) for _, i, o in layers]
        expected = _expected_widths(*args)
        if got != expected:
            fail(
                en="{call}: the forward pass goes through Linear layers with (in_features, out_features) = {got}, expected {expected} (hidden layer i has k**i units, then a Linear to out_features).",
                pt="{call}: a passagem forward atravessa camadas Linear com (in_features, out_features) = {got}, esperado {expected} (a camada oculta i tem k**i neurônios, depois uma Linear para out_features).",
                call=call,
                got=got,
                expected=expected,
            )


@check("2.1", points=1, category="shape")
def check_power_mlp_output_shapes(ctx: CheckContext) -> None:
    for args, batch in (((5, 3, 2, 3), 4), ((3, 1, 4, 2), 1), ((8, 2, 3, 7), 9)):
        model = expect_module(ctx.student.make_power_mlp(*args), ctx.student.last_call)
        expect_shape(
            model(torch.randn(batch, args[0])),
            (batch, args[3]),
            what="model(x)",
            context=ctx.student.last_call,
        )


@check("2.1", points=1, category="shape")
def check_power_mlp_parameter_count(ctx: CheckContext) -> None:
    for args in ((5, 3, 2, 3), (7, 2, 5, 4)):
        model = expect_module(ctx.student.make_power_mlp(*args), ctx.student.last_call)
        count = sum(
            int(np.prod(p["shape"]))
            for row in model.summary()["modules"]
            for p in row["parameters"]
        )
        expected = sum(i * o + o for i, o in _expected_widths(*args))
        expect(
            count == expected,
            en="{call}: the model has {got} parameters, expected {expected} (weights and biases of the Linear layers).",
            pt="{call}: o modelo tem {got} parâmetros, esperado {expected} (pesos e vieses das camadas Linear).",
            call=ctx.student.last_call,
            got=count,
            expected=expected,
        )


@check("2.1", points=2, category="shape")
def check_power_mlp_nonlinearity_between_layers(ctx: CheckContext) -> None:
    """Every pair of consecutive linear maps has a nonlinear op between them (else it collapses to one)."""
    for args in ((4, 3, 2, 2), (3, 1, 3, 2)):
        model = expect_module(ctx.student.make_power_mlp(*args), ctx.student.last_call)
        call = ctx.student.last_call
        ops = model.trace(torch.randn(3, args[0]))["ops"]
        positions = [i for i, op in enumerate(ops) if op in LINEAR_OPS]
        for left, right in zip(positions, positions[1:]):
            between = set(ops[left + 1 : right])
            if not between & NONLINEAR_OPS:
                fail(
                    en="{call}: two linear operations run one after the other with no nonlinearity between them (ops in between: {between}); the network is then equivalent to a single linear layer.",
                    pt="{call}: duas operações lineares rodam em sequência sem não linearidade entre elas (operações no meio: {between}); a rede equivale então a uma única camada linear.",
                    call=call,
                    between=sorted(between) or "none",
                )
        expect(
            len(positions) >= args[1] + 1,
            en="{call}: the forward pass runs {got} linear operations, expected at least {expected}.",
            pt="{call}: a passagem forward executa {got} operações lineares, esperado ao menos {expected}.",
            call=call,
            got=len(positions),
            expected=args[1] + 1,
        )


@check("2.1", points=1, category="stability")
def check_power_mlp_rejects_bad_sizes(ctx: CheckContext) -> None:
    expect_raises("ValueError", ctx.student.make_power_mlp, 4, 0, 2, 3)
    expect_raises("ValueError", ctx.student.make_power_mlp, 4, 2, 0, 3)


# ---------------------------------------------------------------------------------------------
# 2.2 PCA as nn.Linear


def _pca_case(
    seed: int, n: int, m: int, components: int, whiten: bool
) -> tuple[object, np.ndarray, np.ndarray]:
    from sklearn.decomposition import PCA

    rng = np.random.default_rng(seed)
    scales = np.geomspace(5.0, 0.2, m)
    X = rng.normal(size=(n, m)) * scales + rng.normal(0.0, 10.0, size=m)
    pca = PCA(n_components=components, whiten=whiten, svd_solver="full").fit(X)
    X_new = rng.normal(size=(11, m)) * scales + rng.normal(0.0, 10.0, size=m)
    return pca, X_new, pca.transform(X_new)


def _pca_prop(ctx: CheckContext, whiten: bool):
    def prop(case: tuple[int, int, int, int]) -> None:
        seed, n, m, components = case
        components = min(components, m, n)
        pca, X_new, want = _pca_case(seed, n, m, components, whiten)
        layer = expect_module(ctx.student.pca_to_linear(pca), ctx.student.last_call)
        call = f"pca_to_linear(PCA(n_components={components}, whiten={whiten}) fitted on X of shape ({n}, {m}))"
        got = layer(torch.as_tensor(X_new, dtype=torch.float32))
        scale = max(1.0, float(np.abs(want).max()))
        expect_close(
            got,
            want,
            what="layer(X_new)",
            context=Text(
                en=f"{call}: layer(X_new) must equal pca.transform(X_new)",
                pt=f"{call}: layer(X_new) deve ser igual a pca.transform(X_new)",
            ),
            rtol=1e-3,
            atol=2e-4 * scale,
        )

    return prop


_PCA_CASES = st.tuples(
    st.integers(0, 1000), st.integers(8, 40), st.integers(2, 9), st.integers(1, 5)
)


@check("2.2", points=3, category="correctness")
def check_pca_to_linear_matches_transform(ctx: CheckContext) -> None:
    for_all(
        _PCA_CASES,
        _pca_prop(ctx, whiten=False),
        examples=12,
        show=lambda c: f"seed={c[0]}, n={c[1]}, m={c[2]}, n_components={min(c[3], c[2], c[1])}",
    )


@check("2.2", points=2, category="correctness")
def check_pca_to_linear_with_whitening(ctx: CheckContext) -> None:
    for_all(
        _PCA_CASES,
        _pca_prop(ctx, whiten=True),
        examples=12,
        show=lambda c: (
            f"seed={c[0]}, n={c[1]}, m={c[2]}, n_components={min(c[3], c[2], c[1])}, whiten=True"
        ),
    )


@check("2.2", points=1, category="shape")
def check_pca_to_linear_is_linear_layer(ctx: CheckContext) -> None:
    pca, _, _ = _pca_case(3, 30, 7, 3, False)
    layer = expect_module(ctx.student.pca_to_linear(pca), ctx.student.last_call)
    call = ctx.student.last_call
    expect(
        layer.isinstance_of("torch.nn:Linear"),
        en="{call} should return an nn.Linear, got {got}.",
        pt="{call} deveria retornar uma nn.Linear, obteve {got}.",
        call=call,
        got=layer.type_name,
    )
    expect(
        (layer.get("in_features"), layer.get("out_features")) == (7, 3),
        en="{call}: expected in_features=7 (features) and out_features=3 (components), got {got}.",
        pt="{call}: esperado in_features=7 (atributos) e out_features=3 (componentes), obteve {got}.",
        call=call,
        got=(layer.get("in_features"), layer.get("out_features")),
    )


# ---------------------------------------------------------------------------------------------
# 2.3 memorising random labels

N_SAMPLES, N_FEATURES, N_CLASSES = 240, 12, 4


def _memorize(
    ctx: CheckContext, seed: int = 7, X: np.ndarray | None = None
) -> tuple[object, np.ndarray, np.ndarray, str]:
    if X is None:
        X = np.random.default_rng(1234).normal(size=(N_SAMPLES, N_FEATURES))
    returned = ctx.student.memorize_random_labels(X, N_CLASSES, seed)
    call = ctx.student.last_call
    if not (isinstance(returned, tuple | list) and len(returned) == 2):
        fail(
            en="{call} should return a pair (model, y_random), got {got}.",
            pt="{call} deveria retornar um par (modelo, y_aleatorio), obteve {got}.",
            call=call,
            got=type(returned).__name__,
        )
    model, labels = returned
    expect_module(model, call)
    labels = np.asarray(labels)
    expect(
        labels.shape == (len(X),) and labels.dtype.kind in "iu",
        en="{call}: y_random should be an integer array of shape ({n},), got {dtype} of shape {shape}.",
        pt="{call}: y_random deveria ser um array inteiro de forma ({n},), obteve {dtype} de forma {shape}.",
        call=call,
        n=len(X),
        dtype=labels.dtype,
        shape=labels.shape,
    )
    return model, labels.astype(np.int64), X, call


def _accuracy(model: object, X: np.ndarray, labels: np.ndarray, call: str) -> float:
    logits = model(torch.as_tensor(X, dtype=torch.float32))  # type: ignore[operator]
    logits = expect_shape(
        logits, (len(X), N_CLASSES), what="model(X) (one logit per class)", context=call
    )
    return float((np.argmax(logits, axis=1) == labels).mean())


@check("2.3", points=1, category="correctness")
def check_random_labels_are_valid(ctx: CheckContext) -> None:
    _, labels, _, call = _memorize(ctx)
    expect(
        labels.min() >= 0 and labels.max() < N_CLASSES,
        en="{call}: labels must be in 0..{last}, got values from {lo} to {hi}.",
        pt="{call}: os rótulos devem estar em 0..{last}, obteve valores de {lo} a {hi}.",
        call=call,
        last=N_CLASSES - 1,
        lo=labels.min(),
        hi=labels.max(),
    )
    counts = np.bincount(labels, minlength=N_CLASSES)
    expected = N_SAMPLES / N_CLASSES
    expect(
        np.all(counts > 0.5 * expected) and np.all(counts < 1.5 * expected),
        en="{call}: labels should be uniform over {k} classes; counts per class are {counts}.",
        pt="{call}: os rótulos deveriam ser uniformes em {k} classes; contagens por classe: {counts}.",
        call=call,
        k=N_CLASSES,
        counts=counts.tolist(),
    )


@check("2.3", points=1, category="correctness")
def check_random_labels_depend_only_on_seed(ctx: CheckContext) -> None:
    _, first, _, call = _memorize(ctx, seed=7)
    _, again, _, _ = _memorize(ctx, seed=7)
    _, other, _, _ = _memorize(ctx, seed=8)
    expect(
        np.array_equal(first, again),
        en="{call}: two calls with the same seed drew different labels; seed your random generator with `seed`.",
        pt="{call}: duas chamadas com a mesma semente sortearam rótulos diferentes; inicialize seu gerador com `seed`.",
        call=call,
    )
    expect(
        not np.array_equal(first, other),
        en="{call}: seeds 7 and 8 gave the same labels; the labels must come from a generator seeded with `seed`.",
        pt="{call}: as sementes 7 e 8 deram os mesmos rótulos; os rótulos devem vir de um gerador inicializado com `seed`.",
        call=call,
    )


@check("2.3", points=2, category="leakage")
def check_labels_carry_no_signal(ctx: CheckContext) -> None:
    """A classifier trained on part of (X, y_random) must be at chance on the rest: labels are noise."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.neighbors import KNeighborsClassifier

    _, labels, X, call = _memorize(ctx)
    chance = 1.0 / N_CLASSES
    for name, model in (
        ("logistic regression", LogisticRegression(max_iter=500)),
        ("5-nearest neighbours", KNeighborsClassifier(5)),
    ):
        score = float(cross_val_score(model, X, labels, cv=5).mean())
        expect(
            score <= chance + 0.15,
            en="{call}: a {name} trained on 4/5 of (X, y_random) predicts the other 1/5 with accuracy {score:.2f} (chance is {chance:.2f}): your labels depend on X, so they are not random.",
            pt="{call}: uma {name} treinada em 4/5 de (X, y_random) acerta o 1/5 restante com acurácia {score:.2f} (o acaso é {chance:.2f}): seus rótulos dependem de X, então não são aleatórios.",
            call=call,
            name=name,
            score=score,
            chance=chance,
        )


@check("2.3", points=3, category="behaviour")
def check_model_memorises_training_set(ctx: CheckContext) -> None:
    model, labels, X, call = _memorize(ctx)
    accuracy = _accuracy(model, X, labels, call)
    if accuracy < 0.95:
        return Partial(
            max(0.0, (accuracy - 0.5) / 0.45) if accuracy > 0.5 else 0.0,
            Text(
                en=f"{call}: the judge measured a training accuracy of {accuracy:.3f} on (X, y_random); at least 0.95 is required (train longer, or use a wider network).",
                pt=f"{call}: o corretor mediu acurácia de treino {accuracy:.3f} em (X, y_random); é preciso ao menos 0.95 (treine por mais tempo, ou use uma rede mais larga).",
            ),
        )
    return None


@check("2.3", points=1, category="behaviour")
def check_predictions_follow_the_samples(ctx: CheckContext) -> None:
    """Shuffling the rows of X shuffles the predictions: the model reads its input."""
    model, labels, X, call = _memorize(ctx)
    order = ctx.rng.permutation(len(X))
    accuracy = _accuracy(model, X[order], labels[order], call)
    expect(
        accuracy >= 0.95,
        en="{call}: on the same samples in another order the model's accuracy drops to {acc:.3f}; its predictions must come from each input, not from the position in the batch.",
        pt="{call}: com as mesmas amostras em outra ordem a acurácia do modelo cai para {acc:.3f}; as predições devem vir de cada entrada, não da posição no lote.",
        call=call,
        acc=accuracy,
    )


@check("2.3", points=1, category="shape")
def check_model_is_overparameterised(ctx: CheckContext) -> None:
    model, _, _, call = _memorize(ctx)
    count = sum(
        int(np.prod(p["shape"])) for row in model.summary()["modules"] for p in row["parameters"]
    )
    expect(
        count > N_SAMPLES,
        en="{call}: the model has {count} parameters for {n} samples; the experiment needs more parameters than samples.",
        pt="{call}: o modelo tem {count} parâmetros para {n} amostras; o experimento precisa de mais parâmetros que amostras.",
        call=call,
        count=count,
        n=N_SAMPLES,
    )


# END HIDDEN
