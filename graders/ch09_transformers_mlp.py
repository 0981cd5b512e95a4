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


# BEGIN HIDDEN
# Requirement -> checks. 9.1 ensemble (judge data: 600 x 40 fit, 400 held out, labels -2/5/9;
# n_estimators=8, max_samples=120, max_features=8): predicts above chance (gate for the rest):
# predicts_held_out_data; classes_, proba (n, k) rows sum 1, predict = classes_[argmax]:
# predict_proba_matches_classes; members are n_estimators distinct clones, not the base itself:
# members_are_fitted_clones; rows <= max_samples, rows of X with their labels:
# members_see_at_most_max_samples_rows; columns <= max_features, columns of X:
# members_see_at_most_max_features_columns; every feature used: every_feature_used; predict gives
# each member its own columns in the fit's order: predict_gives_each_member_its_columns;
# random_state: reproduces_fit / changes_subsets; beats single limited members (judge-fitted):
# beats_single_limited_member; base estimator left unfitted: base_estimator_left_unfitted;
# get_params/set_params: get_params_and_set_params; clone: clone_copies_parameters; sklearn's own
# checks (ESTIMATOR_CHECKS): passes_sklearn_estimator_checks (partial). 9.2 block: x + f(x) from the
# state_dict (several sizes): block_matches_x_plus_mlp; f's last layer zeroed -> identity:
# block_with_zeroed_last_layer_is_identity; 2wh + w + h parameters: block_parameter_count; model:
# (B, n_classes) logits: model_logits_shape; n_blocks distinct ResidualMLPBlocks each run once:
# model_has_n_distinct_blocks; first/last Linear are the projections: model_projections; the
# judge's recipe reaches 0.9 on held-out digits: model_trains_on_digits.
from harness.checks import Partial, accuracy_partial, digits  # noqa: E402

#: the judge's ensemble configuration for the recorded fits (n_estimators * max_features >= 40)
LIMITS = {"n_estimators": 8, "max_samples": 120, "max_features": 8}
#: the labels of the judge's classes (not 0..k-1: classes_ must map them back)
LABELS = np.array([-2, 5, 9], dtype=np.int64)
#: held-out accuracy the ensemble must beat before any property of its fit is assessed (chance
#: is 1/3; a single limited member scores about 0.55)
LEARNED = 0.45
#: single limited members the judge fits to measure the baseline
BASELINE_DRAWS = 24
#: the ensemble's full marks: this far above the mean single member
FULL_MARGIN = 0.10


@cache
def _judge_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """600 x 40 rows to fit, 400 held out; 30 informative features spread over the columns."""
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=1000,
        n_features=40,
        n_informative=30,
        n_redundant=0,
        n_classes=3,
        n_clusters_per_class=1,
        class_sep=1.0,
        flip_y=0.0,
        random_state=5022,
    )
    labels = LABELS[y]
    return X[:600], labels[:600], X[600:], labels[600:]


class Run(NamedTuple):
    """One recorded fit of the student's ensemble on the judge's data."""

    ensemble: Ensemble
    fitted: str
    log: list[dict[str, Any]]
    probabilities: np.ndarray
    base_id: int


def _log_entries(raw: Any, fitted: str) -> list[dict[str, Any]]:
    """The probe's log as validated plain data (anything else fails the check)."""
    entries = []
    ok = isinstance(raw, list)
    for entry in raw if ok else []:
        X = entry.get("X") if isinstance(entry, dict) else None
        codes = entry.get("codes") if isinstance(entry, dict) else None
        predict = entry.get("predict") if isinstance(entry, dict) else None
        if not (
            isinstance(X, np.ndarray)
            and X.ndim == 2
            and X.dtype.kind == "f"
            and isinstance(codes, np.ndarray)
            and codes.shape == (X.shape[0],)
            and isinstance(entry.get("owner"), int)
            and isinstance(predict, list)
            and all(isinstance(p, np.ndarray) and p.ndim == 2 for p in predict)
        ):
            ok = False
            break
        entries.append(entry)
    if not ok:
        fail(
            en="{call}: the log of the judge's base estimator came back unreadable; the submission must not touch the judge's probes.",
            pt="{call}: o registro do modelo-base do corretor voltou ilegível; a submissão não pode mexer nas sondas do corretor.",
            call=fitted,
        )
    return entries


def _recorded_run(ctx: CheckContext, tag: str, random_state: int = 0) -> Run:
    X_fit, y_fit, X_test, _ = _judge_data()
    ctx.student.put(probes.forget)(tag)
    base = ctx.student.put(probes.RecordingClassifier(tag=tag))
    base_id = int(ctx.student.put(probes.object_id)(base))
    ensemble = _build(ctx, base, random_state=random_state, **LIMITS)
    fitted = _fit(ensemble, X_fit, y_fit)
    probabilities = _probabilities(ensemble, fitted, X_test, len(LABELS))
    log = _log_entries(ctx.student.put(probes.fit_log)(tag), fitted)
    return Run(ensemble, fitted, log, probabilities, base_id)


def _locate(X: np.ndarray, M: np.ndarray) -> tuple[np.ndarray, np.ndarray] | str:
    """(rows, columns) of X whose sub-matrix is M (up to float32 rounding), or why not."""
    if M.shape[0] == 0 or M.shape[1] == 0:
        return f"an empty matrix of shape {M.shape}"
    if M.size > 2_000_000 or not np.isfinite(M).all():
        return f"a matrix of shape {M.shape} with values that are not X's"
    tolerance = MATCH_RTOL * (1.0 + np.abs(X).max())
    first = M[0]
    hits = np.abs(X[:, :, None] - first[None, None, :]) <= tolerance  # (n, d, c)
    candidates = np.flatnonzero(hits.any(axis=1).all(axis=1))
    if len(candidates) == 0:
        return "its first row is not made of values of any one row of X"
    anchor = hits[candidates[0]]  # (d, c)
    columns = np.array([int(np.flatnonzero(anchor[:, j])[0]) for j in range(M.shape[1])])
    sub = X[:, columns]
    rows = np.empty(M.shape[0], dtype=np.int64)
    for start in range(0, M.shape[0], 64):
        block = M[start : start + 64]
        gaps = np.abs(block[:, None, :] - sub[None, :, :]).max(axis=2)  # (b, n)
        nearest = gaps.argmin(axis=1)
        if (gaps[np.arange(len(block)), nearest] > tolerance).any():
            bad = start + int(np.flatnonzero(gaps[np.arange(len(block)), nearest] > tolerance)[0])
            return f"its row {bad} is not a row of X restricted to the columns {columns.tolist()}"
        rows[start : start + 64] = nearest
    return rows, columns


def _located(run: Run, X: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Where every member's fit matrix sits in X, or a failure naming the member."""
    places = []
    for index, entry in enumerate(run.log):
        place = _locate(X, entry["X"])
        if isinstance(place, str):
            fail(
                en="{call}: member {index} was fitted on a matrix of shape {shape} that is not a sub-matrix of X: {why}. Each member must get rows and columns of X as they are (no rescaling, no copies of columns).",
                pt="{call}: o membro {index} foi treinado numa matriz de forma {shape} que não é submatriz de X: {why}. Cada membro deve receber linhas e colunas de X como estão (sem reescala, sem cópias de colunas).",
                call=run.fitted,
                index=index,
                shape=entry["X"].shape,
                why=place,
            )
        places.append(place)
    return places


def _expect_members_fitted(run: Run) -> None:
    expect(
        len(run.log) > 0,
        en="{call}: the judge's base estimator (a RecordingClassifier) was never fitted. Build each member with sklearn.base.clone(base_estimator) and fit it.",
        pt="{call}: o modelo-base do corretor (um RecordingClassifier) nunca foi treinado. Construa cada membro com sklearn.base.clone(base_estimator) e treine-o.",
        call=run.fitted,
    )


@check("9.1", points=2, category="correctness")
def check_ensemble_predicts_held_out_data(ctx: CheckContext) -> None:
    """Fitted on the judge's 600 x 40 data, predict() on 400 held-out rows beats chance clearly."""
    X_fit, y_fit, X_test, y_test = _judge_data()
    ensemble = _build(ctx, probes.CentroidClassifier(), random_state=0, **LIMITS)
    fitted = _fit(ensemble, X_fit, y_fit)
    score = _accuracy(_predict(ensemble, fitted, X_test, LABELS), y_test)
    expect(
        score > LEARNED,
        en="{call}: the judge measured a held-out accuracy of {score:.3f} for predict(X_new) (chance is 0.33, a single limited member about 0.55); the ensemble should beat {learned}.",
        pt="{call}: o corretor mediu acurácia {score:.3f} em dados não vistos para predict(X_new) (o acaso é 0.33, um único membro limitado cerca de 0.55); o ensemble deveria passar de {learned}.",
        call=fitted,
        score=score,
        learned=LEARNED,
    )


@check("9.1", points=1, category="correctness", requires=check_ensemble_predicts_held_out_data)
def check_predict_proba_matches_classes(ctx: CheckContext) -> None:
    """classes_ is the sorted labels (-2, 5, 9); predict_proba is (n, 3) with rows summing to 1;
    predict returns classes_[argmax(predict_proba)]."""
    X_fit, y_fit, X_test, _ = _judge_data()
    ensemble = _build(ctx, probes.CentroidClassifier(), random_state=1, **LIMITS)
    fitted = _fit(ensemble, X_fit, y_fit)
    classes = as_array(ensemble.handle.get("classes_"), what="classes_", context=fitted)
    expect(
        classes.shape == LABELS.shape and np.array_equal(classes, LABELS),
        en="{call}: classes_ should be the sorted distinct labels of y, {want}; got {got}.",
        pt="{call}: classes_ deveria ser os rótulos distintos de y, ordenados, {want}; obteve {got}.",
        call=fitted,
        want=LABELS.tolist(),
        got=classes.tolist() if classes.size <= 20 else f"shape {classes.shape}",
    )
    probabilities = _probabilities(ensemble, fitted, X_test, len(LABELS))
    predicted = _predict(ensemble, fitted, X_test, LABELS)
    ordered = np.sort(probabilities, axis=1)
    clear = ordered[:, -1] - ordered[:, -2] > 1e-9
    expected = LABELS[probabilities.argmax(axis=1)]
    wrong = np.flatnonzero(clear & (predicted != expected))
    expect(
        len(wrong) == 0,
        en="{call}: predict should return classes_[argmax(predict_proba)]; for row {row} the probabilities are {p} (columns in the order of classes_ {labels}) but predict gave {got}.",
        pt="{call}: predict deveria devolver classes_[argmax(predict_proba)]; na linha {row} as probabilidades são {p} (colunas na ordem de classes_ {labels}) mas predict deu {got}.",
        call=fitted,
        row=int(wrong[0]) if len(wrong) else 0,
        p=np.round(probabilities[wrong[0]], 4).tolist() if len(wrong) else [],
        labels=LABELS.tolist(),
        got=int(predicted[wrong[0]]) if len(wrong) else 0,
    )


@check("9.1", points=1, category="correctness", requires=check_ensemble_predicts_held_out_data)
def check_members_are_fitted_clones(ctx: CheckContext) -> None:
    """Exactly n_estimators fits, each on a different clone, none on the base estimator itself."""
    run = _recorded_run(ctx, "clones")
    _expect_members_fitted(run)
    owners = [entry["owner"] for entry in run.log]
    expect(
        len(run.log) == LIMITS["n_estimators"],
        en="{call}: the judge's base estimator was fitted {count} times; with n_estimators={n} there should be exactly {n} member fits.",
        pt="{call}: o modelo-base do corretor foi treinado {count} vezes; com n_estimators={n} deveria haver exatamente {n} treinos de membros.",
        call=run.fitted,
        count=len(run.log),
        n=LIMITS["n_estimators"],
    )
    expect(
        run.base_id not in owners and len(set(owners)) == len(owners),
        en="{call}: every member must be its own clone of base_estimator (sklearn.base.clone); here {same} of the {count} fits were on the base_estimator object itself and only {distinct} distinct objects were fitted.",
        pt="{call}: cada membro deve ser um clone próprio de base_estimator (sklearn.base.clone); aqui {same} dos {count} treinos foram no próprio objeto base_estimator e só {distinct} objetos distintos foram treinados.",
        call=run.fitted,
        same=owners.count(run.base_id),
        count=len(owners),
        distinct=len(set(owners)),
    )


@check("9.1", points=2, category="correctness", requires=check_ensemble_predicts_held_out_data)
def check_members_see_at_most_max_samples_rows(ctx: CheckContext) -> None:
    """Every member is fitted on at most max_samples rows of X, each with its own label."""
    run = _recorded_run(ctx, "rows")
    _expect_members_fitted(run)
    X_fit, y_fit, _, _ = _judge_data()
    sizes = [entry["X"].shape[0] for entry in run.log]
    expect(
        max(sizes) <= LIMITS["max_samples"],
        en="{call}: with max_samples={limit} every member should be fitted on at most {limit} rows; the members got {sizes} rows.",
        pt="{call}: com max_samples={limit} todo membro deveria ser treinado com no máximo {limit} linhas; os membros receberam {sizes} linhas.",
        call=run.fitted,
        limit=LIMITS["max_samples"],
        sizes=sizes,
    )
    for index, (entry, (rows, _)) in enumerate(zip(run.log, _located(run, X_fit))):
        pairs = set(zip(y_fit[rows].tolist(), entry["codes"].tolist()))
        consistent = len(pairs) == len({a for a, _ in pairs}) == len({b for _, b in pairs})
        expect(
            consistent,
            en="{call}: member {index} was fitted on rows of X with labels that do not belong to those rows (label, label given) pairs: {pairs}. Pass each row's own label.",
            pt="{call}: o membro {index} foi treinado com linhas de X e rótulos que não são os dessas linhas, pares (rótulo, rótulo passado): {pairs}. Passe o rótulo de cada linha.",
            call=run.fitted,
            index=index,
            pairs=sorted(pairs)[:8],
        )


@check("9.1", points=2, category="correctness", requires=check_ensemble_predicts_held_out_data)
def check_members_see_at_most_max_features_columns(ctx: CheckContext) -> None:
    """Every member is fitted on at most max_features distinct columns of X."""
    run = _recorded_run(ctx, "columns")
    _expect_members_fitted(run)
    X_fit = _judge_data()[0]
    widths = [entry["X"].shape[1] for entry in run.log]
    expect(
        max(widths) <= LIMITS["max_features"],
        en="{call}: with max_features={limit} every member should be fitted on at most {limit} columns of X ({total} columns); the members got {widths} columns.",
        pt="{call}: com max_features={limit} todo membro deveria ser treinado com no máximo {limit} colunas de X ({total} colunas); os membros receberam {widths} colunas.",
        call=run.fitted,
        limit=LIMITS["max_features"],
        total=X_fit.shape[1],
        widths=widths,
    )
    for index, (_, columns) in enumerate(_located(run, X_fit)):
        expect(
            len(set(columns.tolist())) == len(columns),
            en="{call}: member {index} got the columns {columns} of X, some of them twice.",
            pt="{call}: o membro {index} recebeu as colunas {columns} de X, algumas duas vezes.",
            call=run.fitted,
            index=index,
            columns=columns.tolist(),
        )


@check("9.1", points=2, category="correctness", requires=check_ensemble_predicts_held_out_data)
def check_every_feature_used(ctx: CheckContext) -> None:
    """The union of the members' columns is every column of X."""
    run = _recorded_run(ctx, "coverage")
    _expect_members_fitted(run)
    X_fit = _judge_data()[0]
    used = set()
    for _, columns in _located(run, X_fit):
        used.update(columns.tolist())
    missing = sorted(set(range(X_fit.shape[1])) - used)
    expect(
        not missing,
        en="{call}: every feature should be used by some member (here n_estimators * max_features = {room} >= {total} columns), but no member got the columns {missing} of X.",
        pt="{call}: todo atributo deveria ser usado por algum membro (aqui n_estimators * max_features = {room} >= {total} colunas), mas nenhum membro recebeu as colunas {missing} de X.",
        call=run.fitted,
        room=LIMITS["n_estimators"] * LIMITS["max_features"],
        total=X_fit.shape[1],
        missing=missing,
    )


@check("9.1", points=2, category="correctness", requires=check_ensemble_predicts_held_out_data)
def check_predict_gives_each_member_its_columns(ctx: CheckContext) -> None:
    """At predict_proba time each member receives the held-out rows restricted to exactly the
    columns it was fitted on, in the same order."""
    run = _recorded_run(ctx, "mapping")
    _expect_members_fitted(run)
    X_fit, _, X_test, _ = _judge_data()
    call = f"{run.fitted}, then .predict_proba(X_new) with X_new float64 {X_test.shape}"
    for index, (entry, (_, columns)) in enumerate(zip(run.log, _located(run, X_fit))):
        expect(
            len(entry["predict"]) > 0,
            en="{call}: member {index} was never asked to predict; every member's probabilities must enter the average.",
            pt="{call}: o membro {index} nunca foi chamado para prever; as probabilidades de todos os membros devem entrar na média.",
            call=call,
            index=index,
        )
        place = _locate(X_test, entry["predict"][-1])
        got = place[1].tolist() if not isinstance(place, str) else place
        expect(
            not isinstance(place, str) and got == columns.tolist(),
            en="{call}: member {index} was fitted on the columns {columns} of X (in that order) but at prediction time it received {got}. Give each member X_new[:, its columns].",
            pt="{call}: o membro {index} foi treinado com as colunas {columns} de X (nessa ordem) mas na previsão recebeu {got}. Dê a cada membro X_new[:, suas colunas].",
            call=call,
            index=index,
            columns=columns.tolist(),
            got=f"the columns {got} of X_new" if not isinstance(place, str) else got,
        )


def _subsets(run: Run) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    X_fit = _judge_data()[0]
    return [
        (tuple(sorted(rows.tolist())), tuple(sorted(columns.tolist())))
        for rows, columns in _located(run, X_fit)
    ]


@check("9.1", points=1, category="correctness", requires=check_ensemble_predicts_held_out_data)
def check_random_state_reproduces_fit(ctx: CheckContext) -> None:
    """Two fits with random_state=3 give members the same data and the same probabilities."""
    first = _recorded_run(ctx, "seed-a", random_state=3)
    second = _recorded_run(ctx, "seed-b", random_state=3)
    _expect_members_fitted(first)
    same = len(first.log) == len(second.log) and all(
        a["X"].shape == b["X"].shape and np.array_equal(a["X"], b["X"])
        for a, b in zip(first.log, second.log)
    )
    expect(
        same and np.array_equal(first.probabilities, second.probabilities),
        en="{call}, done twice: with the same random_state the members should get the same rows and columns and the probabilities should be identical; they differ (use sklearn.utils.check_random_state(self.random_state) in fit, not numpy's global generator).",
        pt="{call}, feito duas vezes: com a mesma random_state os membros deveriam receber as mesmas linhas e colunas e as probabilidades deveriam ser idênticas; elas diferem (use sklearn.utils.check_random_state(self.random_state) no fit, não o gerador global do numpy).",
        call=first.fitted,
    )


@check("9.1", points=1, category="correctness", requires=check_ensemble_predicts_held_out_data)
def check_random_state_changes_subsets(ctx: CheckContext) -> None:
    """random_state=3 and random_state=4 give the members different subsets."""
    first = _recorded_run(ctx, "seed-c", random_state=3)
    second = _recorded_run(ctx, "seed-d", random_state=4)
    _expect_members_fitted(first)
    expect(
        _subsets(first) != _subsets(second),
        en="{call}: random_state=3 and random_state=4 gave every member the same rows and columns; random_state should choose the subsets.",
        pt="{call}: random_state=3 e random_state=4 deram a todos os membros as mesmas linhas e colunas; random_state deveria escolher os subconjuntos.",
        call=second.fitted,
    )


def _baseline() -> float:
    """Mean held-out accuracy of single limited members (max_samples rows, max_features random
    columns), fitted by the judge with the same base model."""
    X_fit, y_fit, X_test, y_test = _judge_data()
    rng = np.random.default_rng(2024)
    scores = []
    for _ in range(BASELINE_DRAWS):
        rows = rng.choice(len(X_fit), LIMITS["max_samples"], replace=False)
        columns = rng.choice(X_fit.shape[1], LIMITS["max_features"], replace=False)
        member = probes.CentroidClassifier().fit(X_fit[np.ix_(rows, columns)], y_fit[rows])
        scores.append(_accuracy(member.predict(X_test[:, columns]), y_test))
    return float(np.mean(scores))


@check("9.1", points=3, category="behaviour")
def check_beats_single_limited_member(ctx: CheckContext) -> Partial | None:
    """Held-out accuracy of the ensemble against the mean of single limited members."""
    X_fit, y_fit, X_test, y_test = _judge_data()
    ensemble = _build(ctx, probes.CentroidClassifier(), random_state=5, **LIMITS)
    fitted = _fit(ensemble, X_fit, y_fit)
    score = _accuracy(_predict(ensemble, fitted, X_test, LABELS), y_test)
    single = _baseline()
    ctx.attach_table(
        Text(en="Held-out accuracy (judge's data)", pt="Acurácia em dados não vistos (corretor)"),
        ["model", "accuracy"],
        [
            ["ensemble (student)", round(score, 3)],
            [f"one limited member, mean of {BASELINE_DRAWS}", round(single, 3)],
        ],
    )
    return accuracy_partial(
        score,
        full=single + FULL_MARGIN,
        zero=single,
        what=Text(
            en=f"the held-out accuracy of the ensemble (a single member limited to {LIMITS['max_samples']} rows and {LIMITS['max_features']} of 40 columns scores {single:.3f} on average)",
            pt=f"a acurácia do ensemble em dados não vistos (um único membro limitado a {LIMITS['max_samples']} linhas e {LIMITS['max_features']} de 40 colunas tem {single:.3f} em média)",
        ),
        context=fitted,
    )


@check("9.1", points=1, category="side-effects", requires=check_ensemble_predicts_held_out_data)
def check_base_estimator_left_unfitted(ctx: CheckContext) -> None:
    """The base_estimator object passed in is not fitted and keeps its parameters."""
    X_fit, y_fit, _, _ = _judge_data()
    base = ctx.student.put(probes.CentroidClassifier(smoothing=0.5))
    ensemble = _build(ctx, base, random_state=0, **LIMITS)
    fitted = _fit(ensemble, X_fit, y_fit)
    state = ctx.student.put(probes.estimator_state)(base)
    fitted_attributes = state.get("fitted") if isinstance(state, dict) else None
    params = state.get("params") if isinstance(state, dict) else None
    expect(
        fitted_attributes == [] and params == {"smoothing": 0.5},
        en="{call}: the base_estimator object passed in should stay unfitted with its parameters ({{'smoothing': 0.5}}); afterwards it has the fitted attributes {fitted} and the parameters {params}. Fit clones, not the object itself.",
        pt="{call}: o objeto base_estimator recebido deveria continuar sem treino e com seus parâmetros ({{'smoothing': 0.5}}); depois ele tem os atributos de treino {fitted} e os parâmetros {params}. Treine clones, não o próprio objeto.",
        call=fitted,
        fitted=fitted_attributes,
        params=_braces(params),
    )


PARAMETERS = ("base_estimator", "n_estimators", "max_samples", "max_features", "random_state")


@check("9.1", points=1, category="correctness", requires=check_ensemble_predicts_held_out_data)
def check_get_params_and_set_params(ctx: CheckContext) -> None:
    """get_params(deep=False) returns the five constructor arguments; set_params(n_estimators=3,
    max_features=16) changes the next fit (three member fits)."""
    X_fit, y_fit, _, _ = _judge_data()
    tag = "set-params"
    ctx.student.put(probes.forget)(tag)
    ensemble = _build(ctx, probes.RecordingClassifier(tag=tag), random_state=7, **LIMITS)
    params = ensemble.handle.call_method("get_params", deep=False)
    want = {"random_state": 7, **LIMITS}
    base = params.get("base_estimator") if isinstance(params, dict) else None
    expect(
        isinstance(params, dict)
        and set(params) == set(PARAMETERS)
        and getattr(base, "type_name", "").endswith(".RecordingClassifier")
        and all(params.get(name) == value for name, value in want.items()),
        en="{call}.get_params(deep=False) should return exactly the constructor arguments: base_estimator (the judge's RecordingClassifier) and {want}; got {got}.",
        pt="{call}.get_params(deep=False) deveria devolver exatamente os argumentos do construtor: base_estimator (o RecordingClassifier do corretor) e {want}; obteve {got}.",
        call=ensemble.built,
        want=_braces(want),
        got=_braces(params),
    )
    ensemble.handle.call_method("set_params", n_estimators=3, max_features=16)
    _fit(ensemble, X_fit, y_fit)
    log = _log_entries(ctx.student.put(probes.fit_log)(tag), ensemble.built)
    widths = [entry["X"].shape[1] for entry in log]
    expect(
        len(log) == 3 and max(widths, default=0) <= 16,
        en="{call}.set_params(n_estimators=3, max_features=16), then .fit(X, y): the next fit should train 3 members of at most 16 columns; the members got {widths} columns.",
        pt="{call}.set_params(n_estimators=3, max_features=16), depois .fit(X, y): o próximo fit deveria treinar 3 membros de no máximo 16 colunas; os membros receberam {widths} colunas.",
        call=ensemble.built,
        widths=widths,
    )


def _braces(value: Any) -> str:
    """A dict as text that survives the message templates (no braces)."""
    if type(value) is dict:  # plain dicts only
        inner = ", ".join(f"{k}={getattr(v, 'short_type', None) or v!r}" for k, v in value.items())
        return f"dict({inner})"
    return str(value).replace("{", "(").replace("}", ")")


@check("9.1", points=1, category="correctness", requires=check_ensemble_predicts_held_out_data)
def check_clone_copies_parameters(ctx: CheckContext) -> None:
    """sklearn.base.clone of a fitted ensemble: same class, same parameters, a new base estimator,
    no fitted attributes."""
    X_fit, y_fit, _, _ = _judge_data()
    ensemble = _build(ctx, probes.CentroidClassifier(), random_state=2, **LIMITS)
    fitted = _fit(ensemble, X_fit, y_fit)
    report = ctx.student.put(probes.clone_report)(ensemble.handle)
    call = f"sklearn.base.clone({fitted})"
    if not isinstance(report, dict):
        fail(en="{call}: no readable answer.", pt="{call}: resposta ilegível.", call=call)
    expect(
        not report.get("error"),
        en="{call} failed: {error}. The constructor must store each argument unchanged under its own name.",
        pt="{call} falhou: {error}. O construtor deve guardar cada argumento, sem mudança, com o próprio nome.",
        call=call,
        error=report.get("error"),
    )
    copy = report.get("state") or {}
    original = report.get("original") or {}
    expect(
        report.get("same_type") is True
        and report.get("base_copied") is True
        and copy.get("params") == original.get("params")
        and copy.get("fitted") == [],
        en="{call} should give an unfitted estimator of the same class with the same parameters and a new copy of base_estimator; got the parameters {params} (original {original}) and the fitted attributes {fitted}.",
        pt="{call} deveria dar um estimador sem treino da mesma classe, com os mesmos parâmetros e uma nova cópia de base_estimator; obteve os parâmetros {params} (original {original}) e os atributos de treino {fitted}.",
        call=call,
        params=_braces(copy.get("params")),
        original=_braces(original.get("params")),
        fitted=copy.get("fitted"),
    )


#: the checks of sklearn.utils.estimator_checks that apply to a classifier with a base estimator
#: (not those about sparse data, pandas, sample weights, array API or tags)
ESTIMATOR_CHECKS = (
    "check_estimator_cloneable",
    "check_estimator_repr",
    "check_no_attributes_set_in_init",
    "check_mixin_order",
    "check_get_params_invariance",
    "check_set_params",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_dont_overwrite_parameters",
    "check_estimators_overwrite_params",
    "check_estimators_fit_returns_self",
    "check_estimators_unfitted",
    "check_fit_check_is_fitted",
    "check_n_features_in",
    "check_fit2d_predict1d",
    "check_estimators_empty_data_messages",
    "check_estimators_nan_inf",
    "check_classifiers_regression_target",
    "check_classifiers_classes",
    "check_classifiers_train",
    "check_fit_idempotent",
    "check_methods_subset_invariance",
    "check_methods_sample_order_invariance",
    "check_estimators_pickle",
    "check_dict_unchanged",
    "check_pipeline_consistency",
    "check_estimators_dtypes",
)


@check(
    "9.1",
    points=3,
    category="correctness",
    requires=check_ensemble_predicts_held_out_data,
    timeout=30.0,
)
def check_passes_sklearn_estimator_checks(ctx: CheckContext) -> Partial | None:
    """scikit-learn's own estimator checks (ESTIMATOR_CHECKS), run in the worker on
    LimitedEnsembleClassifier(CentroidClassifier(), n_estimators=5, max_samples=50,
    max_features=4, random_state=0); points in proportion to the checks passed."""
    ensemble = _build(
        ctx,
        probes.CentroidClassifier(),
        n_estimators=5,
        max_samples=50,
        max_features=4,
        random_state=0,
    )
    outcome = ctx.student.put(probes.sklearn_checks)(ensemble.handle, list(ESTIMATOR_CHECKS))
    if not isinstance(outcome, dict):
        fail(en="{call}: no readable answer.", pt="{call}: resposta ilegível.", call=ensemble.built)
    results = {name: str(outcome.get(name, "skipped")) for name in ESTIMATOR_CHECKS}
    ran = [name for name, result in results.items() if not result.startswith("skipped")]
    failed = [name for name in ran if results[name] != "passed"]
    ctx.attach_table(
        Text(en="scikit-learn estimator checks", pt="Testes de estimador do scikit-learn"),
        ["check", "result"],
        [[name, results[name][:160]] for name in ESTIMATOR_CHECKS],
    )
    if not failed and ran:
        return None
    message = Text(
        en="{call}: {count} of the {total} scikit-learn estimator checks failed: {details}",
        pt="{call}: {count} dos {total} testes de estimador do scikit-learn falharam: {details}",
    ).format(
        call=ensemble.built,
        count=len(failed),
        total=len(ran),
        details="; ".join(f"{name} ({results[name][8:120]})" for name in failed[:6]),
    )
    fraction = (len(ran) - len(failed)) / max(len(ran), 1)
    if fraction <= 0.5:
        fail(message)
    return Partial((fraction - 0.5) / 0.5, message)


# ---------------------------------------------------------------------------------------------
# 9.2 residual MLP


@check("9.2", points=2, category="correctness")
def check_block_matches_x_plus_mlp(ctx: CheckContext) -> None:
    """Several (width, hidden) pairs and batch sizes: output - x = f(x) computed by the judge."""
    for width, hidden, batch in ((3, 7, 1), (8, 5, 6), (16, 40, 9)):
        _expect_block_is_x_plus_mlp(ctx, width, hidden, batch)


@check("9.2", points=1, category="correctness", requires=check_block_matches_x_plus_mlp)
def check_block_with_zeroed_last_layer_is_identity(ctx: CheckContext) -> None:
    """With Linear(hidden, width) of f zeroed (weight and bias), the block returns x exactly."""
    width, hidden = 7, 12
    block = ctx.student.ResidualMLPBlock(width, hidden)
    built = ctx.student.last_function_call
    state = block.state_dict()
    weights = _block_weights(state, width, hidden, built)
    zeroed = {name: value.clone() for name, value in state.items()}
    for role in ("W2_name", "b2_name"):
        zeroed[weights[role]].zero_()  # type: ignore[index]
    block.call_method("load_state_dict", zeroed)
    x = torch.from_numpy(np.random.default_rng(3).normal(0, 3, (5, width))).float()
    call = f"{built} with {weights['W2_name']} and {weights['b2_name']} set to zero, then block(x) with x float32 (5, {width}) (negative entries included)"
    out = expect_shape(block(x), (5, width), what="the block's output", context=call)
    gap = np.abs(out.astype(np.float64) - x.double().numpy())
    expect(
        bool(np.isfinite(out).all()) and float(gap.max()) <= 1e-6,
        en="{call}: with the last layer of f zeroed, f(x) = 0 and the block should return x itself; the output differs from x by up to {gap:.3g} (an activation or anything else after the sum breaks this).",
        pt="{call}: com a última camada de f zerada, f(x) = 0 e o bloco deveria devolver o próprio x; a saída difere de x em até {gap:.3g} (uma ativação ou qualquer coisa depois da soma quebra isso).",
        call=call,
        gap=float(np.nan_to_num(gap, nan=np.inf).max()),
    )


def _parameter_count(summary: Any) -> int:
    return sum(int(np.prod(p["shape"])) for row in summary["modules"] for p in row["parameters"])


def _summary(model: Any, call: str) -> dict[str, Any]:
    summary = model.summary()
    if not isinstance(summary, dict) or not isinstance(summary.get("modules"), list):
        fail(en="{call}: no readable module summary.", pt="{call}: resumo ilegível.", call=call)
    return summary


@check("9.2", points=1, category="shape", requires=check_block_matches_x_plus_mlp)
def check_block_parameter_count(ctx: CheckContext) -> None:
    """ResidualMLPBlock(width, hidden) has 2 * width * hidden + width + hidden parameters."""
    for width, hidden in ((5, 9), (12, 4)):
        block = ctx.student.ResidualMLPBlock(width, hidden)
        call = ctx.student.last_function_call
        count = _parameter_count(_summary(block, call))
        want = 2 * width * hidden + width + hidden
        expect(
            count == want,
            en="{call} should have 2 * width * hidden + width + hidden = {want} parameters (two Linear layers with bias, nothing else); it has {count}.",
            pt="{call} deveria ter 2 * width * hidden + width + hidden = {want} parâmetros (duas camadas Linear com viés, nada mais); tem {count}.",
            call=call,
            want=want,
            count=count,
        )


MODEL_CONFIGS = ((64, 16, 1, 10), (20, 8, 3, 4), (5, 12, 5, 3))


def _model_call(ctx: CheckContext, config: tuple[int, int, int, int]) -> tuple[Any, str]:
    model = ctx.student.make_residual_mlp(*config)
    return model, ctx.student.last_function_call


@check("9.2", points=1, category="shape")
def check_model_logits_shape(ctx: CheckContext) -> None:
    """(B, in_features) -> (B, n_classes) logits that vary with the input, for several configs."""
    for config in MODEL_CONFIGS:
        model, built = _model_call(ctx, config)
        x = torch.from_numpy(np.random.default_rng(config[0]).normal(0, 1, (7, config[0])))
        call = f"{built}(x) with x float32 (7, {config[0]})"
        out = _model_output(model, x.float(), config[3], call)
        assess_only_if(
            bool(np.isfinite(out).all()) and float(np.ptp(out, axis=0).max()) > 1e-6,
            en="{call}: the logits are the same for every input (or not finite), so the model computes nothing and its output shape is not assessed.",
            pt="{call}: os logits são iguais para toda entrada (ou não finitos), então o modelo não calcula nada e a forma da saída não é avaliada.",
            call=call,
        )


BLOCK_TYPE = "submission.ResidualMLPBlock"
SHARED_HINT = Text(
    en=" One instance used several times shares its weights: build a new block each time.",
    pt=" Uma instância usada várias vezes compartilha os pesos: construa um bloco novo a cada vez.",
)
LINEAR_TYPE = "torch.nn.modules.linear.Linear"


def _structure(ctx: CheckContext, config: tuple[int, int, int, int]) -> tuple[Any, str, Any, Any]:
    """The model, its call, its summary and a traced forward pass."""
    model, built = _model_call(ctx, config)
    summary = _summary(model, built)
    x = torch.zeros(2, config[0])
    trace = model.trace(x)
    if not isinstance(trace, dict) or not isinstance(trace.get("module_calls"), list):
        fail(en="{call}: no readable trace.", pt="{call}: rastro ilegível.", call=built)
    return model, built, summary, trace


@check("9.2", points=2, category="shape", requires=check_model_logits_shape)
def check_model_has_n_distinct_blocks(ctx: CheckContext) -> None:
    """n_blocks distinct ResidualMLPBlock instances (module summary), each run once per forward."""
    for config in MODEL_CONFIGS:
        _, built, summary, trace = _structure(ctx, config)
        blocks = [row["name"] for row in summary["modules"] if row["type"] == BLOCK_TYPE]
        runs = [call["name"] for call in trace["module_calls"] if call.get("type") == BLOCK_TYPE]
        shared = len(runs) > len(blocks)
        expect(
            len(blocks) == config[2] and sorted(runs) == sorted(blocks),
            Text(
                en="{call}: the model should hold n_blocks = {n} distinct instances of your ResidualMLPBlock, each run once in forward; it holds {count} ({blocks}) and forward ran {runs}.",
                pt="{call}: o modelo deveria ter n_blocks = {n} instâncias distintas da sua ResidualMLPBlock, cada uma executada uma vez no forward; ele tem {count} ({blocks}) e o forward executou {runs}.",
            ).format(call=built, n=config[2], count=len(blocks), blocks=blocks, runs=runs)
            + (SHARED_HINT if shared else Text.same("")),
        )


@check("9.2", points=1, category="shape", requires=check_model_logits_shape)
def check_model_projections(ctx: CheckContext) -> None:
    """The first Linear run outside the blocks is Linear(in_features, width), the last one
    Linear(width, n_classes), and every block runs between them."""
    for config in MODEL_CONFIGS:
        in_features, width, _, n_classes = config
        _, built, summary, trace = _structure(ctx, config)
        rows = {row["name"]: row for row in summary["modules"]}
        blocks = [name for name, row in rows.items() if row["type"] == BLOCK_TYPE]

        def outside(name: str, blocks: list[str] = blocks) -> bool:
            return not any(name == b or name.startswith(f"{b}.") for b in blocks)

        order = [call["name"] for call in trace["module_calls"]]
        linears = [
            name
            for name in order
            if outside(name) and rows.get(name, {}).get("type") == LINEAR_TYPE
        ]

        def sizes(name: str, rows: dict[str, Any] = rows) -> tuple[Any, Any]:
            attributes = rows[name].get("attributes", {})
            return attributes.get("in_features"), attributes.get("out_features")

        block_runs = [i for i, name in enumerate(order) if name in blocks]
        ok = bool(linears) and sizes(linears[0]) == (in_features, width)
        ok = ok and sizes(linears[-1]) == (width, n_classes)
        ok = ok and bool(block_runs)
        ok = ok and order.index(linears[0]) < min(block_runs)
        ok = ok and max(block_runs) < len(order) - order[::-1].index(linears[-1]) - 1
        expect(
            ok,
            en="{call}: forward should start with Linear({i}, {w}), run the blocks, and end with Linear({w}, {k}); the Linear layers run outside the blocks were {got}.",
            pt="{call}: o forward deveria começar com Linear({i}, {w}), executar os blocos e terminar com Linear({w}, {k}); as camadas Linear executadas fora dos blocos foram {got}.",
            call=built,
            i=in_features,
            w=width,
            k=n_classes,
            got=[f"{name}: Linear{sizes(name)}" for name in linears],
        )


#: the judge's recipe for 9.2 (probes.train_digits): Adam lr 3e-3, batches of 64
TRAIN_CONFIG = (64, 32, 3, 10)
TRAIN_EPOCHS = 6


@check("9.2", points=3, category="behaviour", timeout=60.0)
def check_model_trains_on_digits(ctx: CheckContext) -> Partial | None:
    """make_residual_mlp(64, 32, 3, 10) trained by the judge's recipe reaches 0.9 on held-out
    digits (none at 0.5 or below; chance is 0.1)."""
    model, built = _model_call(ctx, TRAIN_CONFIG)
    data = digits()
    train = ctx.student.put(probes.train_digits)
    train(model, np.array(data.X_train), np.array(data.y_train), TRAIN_EPOCHS, 0)
    call = f"{built}, trained by the judge (Adam, lr 3e-3, {TRAIN_EPOCHS} epochs, batches of 64), then model(X_test)"
    X_test = torch.from_numpy(np.array(data.X_test))
    logits = _model_output(model, X_test, 10, call)
    score = _accuracy(np.nan_to_num(logits).argmax(axis=1), np.array(data.y_test))
    return accuracy_partial(
        score,
        full=0.9,
        zero=0.5,
        what=Text(
            en="the held-out accuracy on the digits (chance is 0.10)",
            pt="a acurácia em dígitos não vistos (o acaso é 0.10)",
        ),
        context=call,
    )


# END HIDDEN
