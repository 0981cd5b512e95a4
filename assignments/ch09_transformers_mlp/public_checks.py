# Public checks for ch09_transformers_mlp, released by `grade release` (do not edit).
# Run them with:  grade check ch09_transformers_mlp ch09_transformers_mlp.py
"""Grader for ch09_transformers_mlp (PCS 5022, chapter 9: transformers and modern MLPs).

9.1: the student's ensemble runs in the worker around the judge's own base model, a
scikit-learn classifier from ``harness.probes.ch09_transformers_mlp`` that writes down every matrix
it is fitted on or asked to predict (clones share the log through their ``tag`` parameter). The
judge matches those matrices against its own data, row by row and column by column, so the limits,
the coverage of the features and the column mapping at prediction time are read from what the
members really saw. Accuracy is measured by the judge on held-out data, against single limited
members that the judge fits itself. ``clone`` and scikit-learn's own estimator checks run in the
worker through probes and come back as plain data.

9.2: the judge computes ``x + f(x)`` itself from the block's state_dict, zeroes the last layer of
``f`` through ``load_state_dict``, reads the model's structure from its module summary and a traced
forward pass, and trains the model in the worker with its own fixed recipe (a probe) before
measuring held-out accuracy on the digits.

Every property of a fit (limits, coverage, determinism, the scikit-learn API) is assessed only
once the ensemble predicts the judge's held-out data better than chance (``requires=``).
"""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple

import numpy as np
import torch

from harness.checks import (
    CheckContext,
    GraderSettings,
    Text,
    as_array,
    assess_only_if,
    check,
    expect,
    expect_shape,
    fail,
    refine,
    rubric,
)
from harness.probes import ch09_transformers_mlp as probes

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=20.0, submission_budget_s=120.0)

#: the annotations say it all (the ensemble is an instance of the student's own class, a block is
#: an nn.Module, make_residual_mlp returns an nn.Module)
CONTRACT = refine()

LIMITS_WORKAROUND = rubric(
    "9.1",
    "limits_workaround",
    2,
    Text(
        en="Why do models like TabPFN limit the number of training samples and features (in-context attention over the training set, the prior they were pre-trained on)? Formalise the workaround (which rows and columns each member gets, how predictions are combined) and discuss its costs and what it loses.",
        pt="Por que modelos como o TabPFN limitam o número de amostras de treino e de atributos (atenção em contexto sobre o conjunto de treino, o prior em que foram pré-treinados)? Formalize a solução (que linhas e colunas cada membro recebe, como as previsões são combinadas) e discuta seus custos e o que ela perde.",
    ),
)
RESIDUAL_BENEFIT = rubric(
    "9.2",
    "residual_benefit",
    1,
    Text(
        en="What does the residual connection buy (gradient flow through the identity path, blocks that start near the identity, depth), and why must nothing follow the sum?",
        pt="O que a conexão residual traz (fluxo do gradiente pelo caminho identidade, blocos que começam perto da identidade, profundidade), e por que nada deve vir depois da soma?",
    ),
)

# ---------------------------------------------------------------------------------------------
# 9.1 helpers: building, fitting and reading an ensemble that lives in the worker

#: relative tolerance when matching what a member saw against the judge's data (float32 allowed)
MATCH_RTOL = 1e-6


def _labels_text(values: np.ndarray) -> str:
    return "[" + ", ".join(str(v) for v in np.unique(values).tolist()) + "]"


class Ensemble(NamedTuple):
    """A student ensemble in the worker and how it was made (for messages)."""

    handle: Any
    built: str


def _build(ctx: CheckContext, base: Any, **params: Any) -> Ensemble:
    handle = ctx.student.LimitedEnsembleClassifier(base, **params)
    return Ensemble(handle, ctx.student.last_function_call)


def _fit(ensemble: Ensemble, X: np.ndarray, y: np.ndarray) -> str:
    """Fit in the worker; returns how the ensemble was made and fitted."""
    ensemble.handle.call_method("fit", X, y)
    return (
        f"{ensemble.built}.fit(X, y) with X {X.dtype.name} {X.shape}, y of labels {_labels_text(y)}"
    )


def _predict(ensemble: Ensemble, fitted: str, X: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """``predict(X)``: one label of ``labels`` per row, or a failure that says what came back."""
    call = f"{fitted}, then .predict(X_new) with X_new {X.dtype.name} {X.shape}"
    got = as_array(ensemble.handle.call_method("predict", X), what="the predictions", context=call)
    got = expect_shape(got, (len(X),), what="the predictions", context=call)
    if got.dtype.kind not in "biuf" or not np.isin(got, labels).all():
        fail(
            en="{call}: every prediction should be one of the training labels {labels}; got the values {got}.",
            pt="{call}: toda previsão deveria ser um dos rótulos de treino {labels}; obteve os valores {got}.",
            call=call,
            labels=labels.tolist(),
            got=np.unique(got).tolist()[:10] if got.dtype.kind in "biuf" else str(got.dtype),
        )
    return got.astype(np.int64)


def _probabilities(ensemble: Ensemble, fitted: str, X: np.ndarray, k: int) -> np.ndarray:
    """``predict_proba(X)``: (n, k), non-negative, rows summing to 1."""
    call = f"{fitted}, then .predict_proba(X_new) with X_new {X.dtype.name} {X.shape}"
    raw = ensemble.handle.call_method("predict_proba", X)
    got = expect_shape(
        as_array(raw, what="the probabilities", context=call),
        (len(X), k),
        what="the probabilities (one column per class)",
        context=call,
    )
    got = got.astype(np.float64) if got.dtype.kind in "biuf" else got
    sums = got.sum(axis=1) if got.dtype.kind == "f" else None
    if sums is None or not (np.isfinite(got).all() and (got >= 0).all()):
        fail(
            en="{call}: the probabilities should be finite and non-negative.",
            pt="{call}: as probabilidades deveriam ser finitas e não negativas.",
            call=call,
        )
    worst = int(np.argmax(np.abs(sums - 1.0)))
    expect(
        bool(np.allclose(sums, 1.0, atol=1e-6)),
        en="{call}: every row should sum to 1; row {row} sums to {total:.6g}.",
        pt="{call}: toda linha deveria somar 1; a linha {row} soma {total:.6g}.",
        call=call,
        row=worst,
        total=float(sums[worst]),
    )
    return got


def _accuracy(predicted: np.ndarray, y: np.ndarray) -> float:
    return float((predicted == y).mean())


# ---------------------------------------------------------------------------------------------
# Public checks (students run them): small data, no reference


@cache
def _public_data() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=240,
        n_features=12,
        n_informative=8,
        n_redundant=0,
        n_classes=3,
        n_clusters_per_class=1,
        class_sep=1.5,
        random_state=9,
    )
    return X, y.astype(np.int64)


@check("9.1", points=1, category="correctness", hidden=False)
def check_ensemble_small_example_public(ctx: CheckContext) -> None:
    """Fit on 240 x 12 data with limits 60 rows / 4 columns; predictions and probabilities are
    well formed and the training accuracy is clearly above chance (1/3)."""
    X, y = _public_data()
    ensemble = _build(
        ctx,
        probes.CentroidClassifier(),
        n_estimators=6,
        max_samples=60,
        max_features=4,
        random_state=0,
    )
    fitted = _fit(ensemble, X, y)
    predicted = _predict(ensemble, fitted, X, np.unique(y))
    _probabilities(ensemble, fitted, X, 3)
    score = _accuracy(predicted, y)
    expect(
        score > 0.6,
        en="{call}: the accuracy of predict(X) on the training data is {score:.3f} (chance is 0.33); an ensemble of centroid classifiers should reach 0.6 easily here.",
        pt="{call}: a acurácia de predict(X) nos dados de treino é {score:.3f} (o acaso é 0.33); um ensemble de classificadores de centróides deveria passar de 0.6 com folga aqui.",
        call=fitted,
        score=score,
    )


def _block_weights(state: Any, width: int, hidden: int, call: str) -> dict[str, torch.Tensor]:
    """The two Linear layers of f, found by their shapes in the block's state_dict."""
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        fail(
            en="{call}.state_dict() should be a dict of tensors, got {got}.",
            pt="{call}.state_dict() deveria ser um dict de tensores, obteve {got}.",
            call=call,
            got=type(state).__name__,
        )
    shapes = {name: tuple(value.shape) for name, value in state.items()}
    wanted = {
        "W1": (hidden, width),
        "b1": (hidden,),
        "W2": (width, hidden),
        "b2": (width,),
    }
    found: dict[str, torch.Tensor] = {}
    for role, shape in wanted.items():
        names = [name for name, got in shapes.items() if got == shape]
        if len(names) == 1:
            found[role] = state[names[0]].detach().double()
            found[f"{role}_name"] = names[0]  # type: ignore[assignment]
    if len(state) != 4 or len(found) != 8:
        fail(
            en="{call}: f should be exactly Linear({width}, {hidden}) and Linear({hidden}, {width}) with biases (no normalisation, no other parameters), so the state_dict should hold tensors of shapes {wanted}; it holds {shapes}.",
            pt="{call}: f deveria ser exatamente Linear({width}, {hidden}) e Linear({hidden}, {width}) com viés (sem normalização, sem outros parâmetros), então o state_dict deveria ter tensores de formas {wanted}; ele tem {shapes}.",
            call=call,
            width=width,
            hidden=hidden,
            wanted=sorted(wanted.values()),
            shapes=shapes,
        )
    return found


#: the nonlinearities f may use (the statement names some; each is tried by the judge)
ACTIVATIONS = {
    "ReLU": torch.relu,
    "GELU": torch.nn.functional.gelu,
    "GELU (tanh)": lambda z: torch.nn.functional.gelu(z, approximate="tanh"),
    "SiLU": torch.nn.functional.silu,
    "Tanh": torch.tanh,
    "Sigmoid": torch.sigmoid,
    "LeakyReLU": torch.nn.functional.leaky_relu,
    "ELU": torch.nn.functional.elu,
    "Mish": torch.nn.functional.mish,
    "Softplus": torch.nn.functional.softplus,
}


def _judge_branches(weights: dict[str, torch.Tensor], x: torch.Tensor) -> dict[str, np.ndarray]:
    """f(x) = W2 act(W1 x + b1) + b2 for every candidate activation, computed by the judge."""
    inner = x.double() @ weights["W1"].T + weights["b1"]
    return {
        name: (act(inner) @ weights["W2"].T + weights["b2"]).numpy()
        for name, act in ACTIVATIONS.items()
    }


def _expect_block_is_x_plus_mlp(ctx: CheckContext, width: int, hidden: int, batch: int) -> None:
    block = ctx.student.ResidualMLPBlock(width, hidden)
    built = ctx.student.last_function_call
    weights = _block_weights(block.state_dict(), width, hidden, built)
    x = torch.from_numpy(np.random.default_rng(width * 100 + hidden).normal(0, 2, (batch, width)))
    x = x.float()
    call = f"{built}(x) with x float32 {tuple(x.shape)}"
    out = expect_shape(block(x), (batch, width), what="the block's output", context=call)
    residual = out.astype(np.float64) - x.double().numpy()
    branches = _judge_branches(weights, x)
    errors = {name: float(np.abs(residual - f).max()) for name, f in branches.items()}
    best = min(errors, key=errors.get)
    scale = 1.0 + float(np.abs(branches[best]).max())
    expect(
        bool(np.isfinite(residual).all()) and errors[best] <= 1e-4 * scale,
        en="{call}: output - x should equal f(x) = W2 act(W1 x + b1) + b2, which the judge computes from the block's own weights ({w1} and {w2}); the closest activation ({best}) still differs by {error:.3g}. Check that forward returns x + f(x), with nothing after the sum.",
        pt="{call}: saída - x deveria ser igual a f(x) = W2 act(W1 x + b1) + b2, que o corretor calcula com os próprios pesos do bloco ({w1} e {w2}); a ativação mais próxima ({best}) ainda difere por {error:.3g}. Verifique se forward devolve x + f(x), sem nada depois da soma.",
        call=call,
        w1=weights["W1_name"],
        w2=weights["W2_name"],
        best=best,
        error=errors[best],
    )


@check("9.2", points=1, category="correctness", hidden=False)
def check_block_adds_mlp_to_input_public(ctx: CheckContext) -> None:
    """ResidualMLPBlock(6, 10)(x) - x equals the MLP the judge computes from the block's weights."""
    _expect_block_is_x_plus_mlp(ctx, width=6, hidden=10, batch=4)


def _model_output(model: Any, x: torch.Tensor, n_classes: int, call: str) -> np.ndarray:
    return expect_shape(
        model(x), (len(x), n_classes), what="the logits (one column per class)", context=call
    )


@check("9.2", points=1, category="shape", hidden=False)
def check_model_output_shape_public(ctx: CheckContext) -> None:
    """make_residual_mlp(64, 16, 2, 10) maps (5, 64) inputs to (5, 10) logits that vary with x."""
    model = ctx.student.make_residual_mlp(64, 16, 2, 10)
    call = f"{ctx.student.last_function_call}(x) with x float32 (5, 64)"
    x = torch.from_numpy(np.random.default_rng(0).uniform(0, 1, (5, 64))).float()
    out = _model_output(model, x, 10, call)
    assess_only_if(
        bool(np.isfinite(out).all()) and float(np.ptp(out, axis=0).max()) > 1e-6,
        en="{call}: the logits are the same for every input (or not finite), so the model computes nothing and its output shape is not assessed.",
        pt="{call}: os logits são iguais para toda entrada (ou não finitos), então o modelo não calcula nada e a forma da saída não é avaliada.",
        call=call,
    )
