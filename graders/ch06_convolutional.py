"""Grader for ch06_convolutional (PCS 5022, chapter 6: convolutional networks).

Every model comes from the judge: a small CNN trained on the digits enlarged to 16x16 (shipped as
``graders/fixtures/ch06_digits_cnn.safetensors``, see harness/fixtures/ch06_convolutional.py),
random copies of its architecture in the public checks. What the judge needs to see inside a
forward pass of a returned model (the modules called and the aten ops run: ``handle.trace``; the
shape each convolution receives; the harness's fixed training recipe) is done by the probes of
harness/probes/ch06_convolutional.py in the worker. The judge measures every accuracy itself,
recomputes the separation ranking and every point of the loss landscape from what the submission
returns, and draws the student's surface next to the reference's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn

from harness.checks import (
    LAST_CALL,
    Array,
    CheckContext,
    DictOf,
    GraderSettings,
    Text,
    Tuple,
    check,
    expect,
    expect_close,
    expect_keys,
    expect_module,
    expect_shape,
    refine,
    rubric,
)

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=20.0, submission_budget_s=180.0)

CONTRACT = refine(
    layer_features=DictOf(str, Array(ndim=2)),
    separation_scores=DictOf(str, float),
    predict_resolution=Array(ndim=1, integer=True),
    filter_normalized_direction=DictOf(str, Array()),
    loss_landscape_2d=Tuple((Array(ndim=1), Array(ndim=1), Array(ndim=2))),
)

LAYER_SEPARATION = rubric(
    "6.1",
    "layer_separation_discussion",
    2,
    Text(
        en="Which layer separates the classes best in the 2-D projections, why (what early and late layers compute), and what the 2-D projection hides.",
        pt="Qual camada separa melhor as classes nas projeções 2-D, por quê (o que as camadas iniciais e finais calculam), e o que a projeção em 2-D esconde.",
    ),
)
ENABLING_COMPONENT = rubric(
    "6.2",
    "enabling_component",
    2,
    Text(
        en="Names global pooling (average or max over the spatial dimensions, before the classifier) as the component that makes any input size possible, and explains why the outputs at 16x16 do not change.",
        pt="Nomeia o pooling global (média ou máximo sobre as dimensões espaciais, antes do classificador) como o componente que permite qualquer tamanho de entrada, e explica por que as saídas em 16x16 não mudam.",
    ),
)
BEST_RESOLUTION = rubric(
    "6.3",
    "best_resolution_definition",
    2,
    Text(
        en="(★) What could be considered the best inference resolution (the object at its training scale, the highest chance of a correct answer, the cheapest resolution that keeps the accuracy...), and the limits of the proposed predictor.",
        pt="(★) O que pode ser considerado a melhor resolução de inferência (o objeto na escala de treino, a maior chance de acerto, a resolução mais barata que mantém a acurácia...), e os limites do preditor proposto.",
    ),
)
ALL_CONV_DESIGN = rubric(
    "6.4",
    "all_conv_design",
    1,
    Text(
        en="Describes the all-convolutional architecture (how resolution is reduced, what replaces the fully connected layer) and compares it with the CNN of 6.2.",
        pt="Descreve a arquitetura só convolucional (como a resolução é reduzida, o que substitui a camada totalmente conectada) e a compara com a CNN de 6.2.",
    ),
)
LANDSCAPE_INTERPRETATION = rubric(
    "6.5",
    "landscape_interpretation",
    2,
    Text(
        en="Interprets the loss surface around the trained CNN, explains why filter normalisation makes surfaces comparable, and what the course's Keras script does differently.",
        pt="Interpreta a superfície da perda em torno da CNN treinada, explica por que a normalização por filtro torna as superfícies comparáveis e o que o script Keras da disciplina faz de diferente.",
    ),
)


def _single_threaded(function: Callable[..., Any]) -> Callable[..., Any]:
    """Judge-side torch work on one thread and without autograd: on a small machine a second
    intra-op thread only spins against the workers and the other jobs. The thread count is
    restored afterwards."""

    @functools.wraps(function)
    def run(*args: Any, **kwargs: Any) -> Any:
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            with torch.no_grad():
                return function(*args, **kwargs)
        finally:
            torch.set_num_threads(threads)

    return run


def _random_cnn(seed: int) -> nn.Sequential:
    """The architecture of the grader's CNN (harness.fixtures.ch06_convolutional.cnn), with
    seeded random weights and BatchNorm statistics, in eval mode."""
    generator = torch.Generator().manual_seed(seed)
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.BatchNorm2d(32),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 4),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(64, 10),
    )
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if tensor.is_floating_point():
                values = torch.randn(tensor.shape, generator=generator) * 0.3
                if name.endswith("running_var"):
                    values = values.abs() + 0.5
                tensor.copy_(values)
    return model.eval()


def _images(rng: np.random.Generator, n: int, size: int) -> torch.Tensor:
    return torch.from_numpy(rng.uniform(0.0, 1.0, size=(n, 1, size, size)).astype(np.float32))


@_single_threaded
def _judge_outputs(model: nn.Module, X: torch.Tensor, names: list[str]) -> dict[str, np.ndarray]:
    """{name: output of that submodule for X, flattened}, measured by the judge in eval mode."""
    outputs: dict[str, np.ndarray] = {}
    modules = dict(model.named_modules())
    handles = [
        modules[name].register_forward_hook(
            lambda _m, _i, out, name=name: outputs.__setitem__(
                name, out.detach().reshape(len(X), -1).double().numpy()
            )
        )
        for name in names
    ]
    was_training = model.training
    model.eval()
    try:
        model(X)
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    return outputs


@_single_threaded
def _gram(features: np.ndarray) -> np.ndarray:
    matrix = torch.from_numpy(np.ascontiguousarray(features, dtype=np.float64))
    return (matrix @ matrix.T).numpy()


def _expect_same_features(got: Any, want: np.ndarray, name: str, call: str) -> None:
    """Same shape (n, d) and the same Gram matrix F F^T: the same features, columns in any order."""
    array = expect_shape(
        got,
        want.shape,
        what=Text(
            en=f"features[{name!r}] (one row per sample, C*H*W = {want.shape[1]} columns)",
            pt=f"features[{name!r}] (uma linha por amostra, C*H*W = {want.shape[1]} colunas)",
        ),
        context=call,
    ).astype(np.float64)
    gram_want = _gram(want)
    scale = float(np.abs(gram_want).max()) or 1.0
    expect_close(
        _gram(array),
        gram_want,
        what=Text(
            en=f"the Gram matrix F F^T of features[{name!r}] (the judge compares it with that of the output of submodule {name!r}, so the order of the columns is free)",
            pt=f"a matriz de Gram F F^T de features[{name!r}] (o corretor a compara com a da saída do submódulo {name!r}, então a ordem das colunas é livre)",
        ),
        context=call,
        rtol=1e-4,
        atol=1e-5 * scale,
    )


def _float_dict(value: dict[str, Any]) -> dict[str, float]:
    return {str(k): float(v) for k, v in value.items()}


def _agnostic_output(model: Any, x: torch.Tensor, call: str, classes: int = 10) -> np.ndarray:
    return expect_shape(
        model(x),
        (x.shape[0], classes),
        what=Text(
            en=f"model(x) for x of shape {tuple(x.shape)} (one logit per class)",
            pt=f"model(x) para x de forma {tuple(x.shape)} (um logit por classe)",
        ),
        context=call,
    )


# ---------------------------------------------------------------------------------------------
# Public checks: judge-built random models, no reference.


@check("6.1", points=1, category="correctness", hidden=False)
def check_layer_features_small_cnn_public(ctx: CheckContext) -> None:
    """Outputs of '7' (4x4 maps) and '3' (8x8 maps) of a random copy of the CNN, as (n, d)."""
    model = _random_cnn(1)
    X = _images(ctx.rng, 12, 16)
    names = ["7", "3"]
    got = ctx.student.layer_features(model, X, names)
    call = ctx.student.last_call
    expect_keys(got, names, what="features", context=call)
    want = _judge_outputs(model, X, names)
    for name in names:
        _expect_same_features(got[name], want[name], name, call)


def _blob_layers(seed: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Three 'layers' of three Gaussian classes in 6-D: far apart, close, and not separated."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(3), 30)
    centres = rng.normal(size=(3, 6))
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    features = {
        distance: centres[y] * scale + rng.normal(size=(len(y), 6))
        for distance, scale in (("close", 1.5), ("mixed", 0.0), ("apart", 6.0))
    }
    return features, y


@check("6.1", points=1, category="correctness", hidden=False)
def check_separation_scores_order_blobs_public(ctx: CheckContext) -> None:
    """Three classes far apart, close together and not separated: the scores decrease."""
    features, y = _blob_layers(0)
    got = ctx.student.separation_scores(features, y)
    call = ctx.student.last_call
    scores = _float_dict(expect_keys(got, list(features), what="the scores", context=call))
    expect(
        scores["apart"] > scores["close"] > scores["mixed"],
        en="{call} with three 6-D 'layers' of three Gaussian classes (unit noise) whose centres are 6 apart ('apart'), 1.5 apart ('close') and equal ('mixed'): the scores should decrease in that order (higher = better separated), got {scores}.",
        pt="{call} com três 'camadas' 6-D de três classes gaussianas (ruído unitário) cujos centros estão a 6 ('apart'), a 1.5 ('close') e no mesmo ponto ('mixed'): as pontuações deveriam decrescer nessa ordem (maior = mais separadas), obteve {scores}.",
        call="separation_scores(features, y)",
        scores={k: round(v, 4) for k, v in scores.items()},
    )


@check("6.2", points=1, category="shape", hidden=False)
def check_agnostic_accepts_any_size_public(ctx: CheckContext) -> None:
    """A random copy of the CNN made agnostic: logits (B, 10) at 16, 20, 24 and 32 pixels."""
    result = expect_module(
        ctx.student.make_resolution_agnostic(_random_cnn(2)), "make_resolution_agnostic(model)"
    )
    call = ctx.student.last_call
    for size in (16, 20, 24, 32):
        _agnostic_output(result, _images(ctx.rng, 3, size), call)


@check("6.3", points=1, category="shape", hidden=False)
def check_resolution_picks_are_candidates_public(ctx: CheckContext) -> None:
    """One pick per image, each one of the (unsorted) candidates."""
    model = nn.Sequential(
        *list(_random_cnn(3))[:10], nn.AdaptiveMaxPool2d(1), nn.Flatten(), _head()
    )
    X = _images(ctx.rng, 20, 32).numpy()
    candidates = [24, 16, 32, 20]
    picks = expect_shape(
        ctx.student.predict_resolution(model, X, candidates),
        (20,),
        what=Text(en="the picks (one per image)", pt="as escolhas (uma por imagem)"),
    )
    outside = sorted({int(p) for p in picks.tolist()} - set(candidates))
    expect(
        not outside,
        en="{call}: every pick must be one of the candidates {candidates}; got {outside}.",
        pt="{call}: toda escolha deve ser um dos candidatos {candidates}; obteve {outside}.",
        call=ctx.student.last_call,
        candidates=candidates,
        outside=outside,
    )


def _head() -> nn.Linear:
    torch.manual_seed(3)
    return nn.Linear(64, 10)


@check("6.4", points=1, category="shape", hidden=False)
def check_all_conv_output_shape_public(ctx: CheckContext) -> None:
    """Logits (B, n_classes) at two input sizes, for (1, 10) and (3, 7)."""
    for in_channels, classes, sizes in ((1, 10, (16, 24)), (3, 7, (20, 32))):
        model = expect_module(
            ctx.student.make_all_conv_net(in_channels, classes),
            f"make_all_conv_net({in_channels}, {classes})",
        )
        call = ctx.student.last_call
        for size in sizes:
            x = torch.from_numpy(
                ctx.rng.uniform(size=(2, in_channels, size, size)).astype(np.float32)
            )
            _agnostic_output(model, x, call, classes)


def _small_bn_net() -> nn.Sequential:
    torch.manual_seed(4)
    model = nn.Sequential(
        nn.Conv2d(1, 3, 3),
        nn.BatchNorm2d(3),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(3 * 4 * 4, 5),
    )
    with torch.no_grad():
        model[1].weight.uniform_(0.5, 1.5)
        model[1].bias.uniform_(-0.5, 0.5)
    return model.eval()


def _direction_arrays(got: Any, model: nn.Module, call: str) -> dict[str, np.ndarray]:
    """Keys of named_parameters and the same shapes, as float64 arrays."""
    parameters = dict(model.named_parameters())
    directions = expect_keys(
        got,
        list(parameters),
        what=Text(
            en="the direction (one tensor per name of model.named_parameters())",
            pt="a direção (um tensor por nome de model.named_parameters())",
        ),
        context=call,
    )
    arrays = {}
    for name, parameter in parameters.items():
        arrays[name] = expect_shape(
            directions[name],
            tuple(parameter.shape),
            what=f"direction[{name!r}]",
            context=call,
        ).astype(np.float64)
    return arrays


def _expect_filter_norms(got: Any, model: nn.Module, call: str) -> dict[str, np.ndarray]:
    """Keys of named_parameters, the same shapes, and each filter's norm equal to the weights'."""
    arrays = _direction_arrays(got, model, call)
    for name, parameter in model.named_parameters():
        if parameter.dim() <= 1:
            continue
        weights = parameter.detach().double().reshape(len(parameter), -1).norm(dim=1).numpy()
        norms = np.linalg.norm(arrays[name].reshape(len(parameter), -1), axis=1)
        expect_close(
            norms,
            weights,
            what=Text(
                en=f"the vector of per-filter norms (slices along dimension 0) of direction[{name!r}] (each entry must equal the norm of the same filter of the weights)",
                pt=f"o vetor das normas por filtro (fatias ao longo da dimensão 0) de direction[{name!r}] (cada entrada deve ser igual à norma do mesmo filtro dos pesos)",
            ),
            context=call,
            rtol=1e-4,
            atol=1e-6,
        )
    return arrays


@check("6.5", points=1, category="correctness", hidden=False)
def check_direction_small_model_public(ctx: CheckContext) -> None:
    """Conv2d, BatchNorm2d, Linear: keys, shapes and per-filter norms of the direction."""
    model = _small_bn_net()
    got = ctx.student.filter_normalized_direction(model, 0)
    _expect_filter_norms(got, model, ctx.student.last_call)


@_single_threaded
def _judge_loss(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    was_training = model.training
    model.eval()
    loss = float(nn.functional.cross_entropy(model(X), y))
    model.train(was_training)
    return loss


def _landscape(ctx: CheckContext, model: Any, X: Any, y: Any, steps: int, span: float, seed: int):
    """The student's (alphas, betas, Z) as float64 arrays with the shapes the statement fixes."""
    alphas, betas, Z = ctx.student.loss_landscape_2d(
        model, nn.CrossEntropyLoss(), X, y, steps, span, seed
    )
    call = ctx.student.last_call
    alphas = expect_shape(alphas, (steps,), what="alphas", context=call).astype(np.float64)
    betas = expect_shape(betas, (steps,), what="betas", context=call).astype(np.float64)
    Z = expect_shape(Z, (steps, steps), what="Z", context=call).astype(np.float64)
    return alphas, betas, Z, call


def _expect_grid(alphas: np.ndarray, betas: np.ndarray, steps: int, span: float, call: str):
    grid = np.linspace(-span, span, steps)
    for what, values in (("alphas", alphas), ("betas", betas)):
        expect_close(
            values,
            grid,
            what=Text(
                en=f"{what} (np.linspace(-span, span, steps) = {np.round(grid, 4).tolist()})",
                pt=f"{what} (np.linspace(-span, span, steps) = {np.round(grid, 4).tolist()})",
            ),
            context=call,
            rtol=0,
            atol=1e-6,
        )


def _expect_centre(Z: np.ndarray, loss: float, call: str, extra: Text | None = None) -> None:
    centre = Z.shape[0] // 2
    expect_close(
        Z[centre, centre],
        loss,
        what=Text(
            en=f"Z[{centre}, {centre}] (alpha = beta = 0: the model's own cross-entropy in eval mode, {loss:.6f})",
            pt=f"Z[{centre}, {centre}] (alpha = beta = 0: a entropia cruzada do próprio modelo em modo eval, {loss:.6f})",
        )
        + (extra or Text.same("")),
        context=call,
        rtol=1e-4,
        atol=1e-5,
    )


@check("6.5", points=1, category="correctness", hidden=False)
def check_landscape_small_model_public(ctx: CheckContext) -> None:
    """A 3x3 grid on a small model: shapes, the grid points and the loss at the centre."""
    model = _small_bn_net()
    X = _images(ctx.rng, 16, 6)
    y = torch.from_numpy(ctx.rng.integers(0, 5, size=16))
    alphas, betas, Z, call = _landscape(ctx, model, X, y, 3, 0.5, 0)
    _expect_grid(alphas, betas, 3, 0.5, call)
    _expect_centre(Z, _judge_loss(model, X, y), call)


# BEGIN HIDDEN
# Requirement -> checks.
# 6.1 layer_features: outputs of named submodules, (n, d), columns in any order (Gram):
#   small_cnn_public, match_fixture; eval mode: use_eval_mode; hooks removed, mode and weights
#   restored: leave_model_untouched; unknown name -> ValueError: unknown_name_raises; the judge's
#   silhouette ranks the student's features like its own: rank_layers_like_judge.
# separation_scores: order of blobs (public); ranking of the fixture's layers '3' < '7' < '9'
#   (digits 3, 8, 9; robust under silhouette, Fisher ratio, kNN, nearest centroid, LDA, probes):
#   ranks_fixture_layers; scale invariance, uses labels, inputs untouched.
# 6.2 any size: public; every tensor of the state_dict kept, no new parameter: keeps_parameters;
#   same outputs at 16: same_outputs_at_training_resolution; no resizing (first convolution sees
#   the input's size, probe): first_conv_sees_input_size; digits at 20/24 above chance:
#   above_chance_upsampled; given model untouched: leaves_given_model_untouched.
# 6.3 picks in candidates: public; accuracy vs best fixed resolution: accuracy_vs_fixed;
#   Spearman(size, pick) <= -0.3: adapts_to_scale; independent of the batch: picks_per_image.
# 6.4 shape at two sizes: public; no Linear module: no_linear_module; no matmul op (trace):
#   no_matmul_op; no pooling but a global one (probe): pools_only_globally; the harness's recipe
#   (3 epochs) reaches 0.75 (none at 0.3): trained_by_recipe.
# 6.5 direction: keys/shapes/per-filter norms: public, filter_norms_match_weights (fixture);
#   zero for 1-D: zero_for_biases_and_batchnorm; seed: deterministic, depends_on_seed; a zero
#   filter: zero_filter_stays_zero; model untouched. landscape: small_model_public (shapes, grid,
#   centre); even steps grid; centre on the fixture; every point recomputed with the student's
#   own directions (seed, seed + 1), Z[i, j] at (alphas[i], betas[j]): matches_directions (with
#   the surfaces attached); eval mode; model restored bit for bit; deterministic.
from functools import cache  # noqa: E402

from harness.checks import (  # noqa: E402
    Partial,
    accuracy_partial,
    assess_only_if,
    expect_deterministic,
    expect_inputs_untouched,
    expect_model_untouched,
    expect_raises,
    loss_surface,
    model_snapshot,
)
from harness.fixtures import digits  # noqa: E402
from harness.fixtures.ch06_convolutional import (  # noqa: E402
    agnostic_model,
    cnn_model,
    random_canvas,
    upsampled,
)
from harness.probes import ch06_convolutional as probes  # noqa: E402

# ---------------------------------------------------------------------------------------------
# 6.1 layer features and separation

#: digits of three classes whose separation grows clearly from '3' to '7' to '9' under every
#: common score (2-D silhouette, Fisher ratio, kNN, nearest centroid, LDA, full-d silhouette)
SEPARATION_CLASSES = (3, 8, 9)
SEPARATION_LAYERS = ["7", "9", "3"]  # the order the dict is built in (not the ranking)
JUDGE_RANKING = ["9", "7", "3"]


@cache
def _separation_data() -> tuple[torch.Tensor, np.ndarray]:
    data = digits()
    keep = np.isin(data.y_test, SEPARATION_CLASSES)
    return upsampled(data.X_test[keep], 16), np.array(data.y_test[keep])


@cache
def _judge_separation_features() -> dict[str, np.ndarray]:
    X, _ = _separation_data()
    return _judge_outputs(cnn_model(), X, SEPARATION_LAYERS)


@_single_threaded
def _pca_2d(features: np.ndarray) -> np.ndarray:
    """Scores on the first two principal components, from the n x n Gram matrix (n is small)."""
    matrix = torch.from_numpy(np.ascontiguousarray(features, dtype=np.float64))
    matrix = matrix - matrix.mean(dim=0)
    values, vectors = torch.linalg.eigh(matrix @ matrix.T)
    top = values.flip(0)[:2].clamp_min(0.0).sqrt()
    return (vectors.flip(1)[:, :2] * top).numpy()


def _silhouette(points: np.ndarray, y: np.ndarray) -> float:
    """The mean silhouette coefficient (as sklearn.metrics.silhouette_score, Euclidean)."""
    distances = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=-1))
    labels, own = np.unique(y, return_inverse=True)
    counts = np.bincount(own)
    sums = np.stack([distances[:, own == c].sum(axis=1) for c in range(len(labels))], axis=1)
    rows = np.arange(len(points))
    a = sums[rows, own] / np.maximum(counts[own] - 1, 1)
    others = sums / counts
    others[rows, own] = np.inf
    b = others.min(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.nan_to_num((b - a) / np.maximum(a, b))
    s[counts[own] == 1] = 0.0
    return float(s.mean())


def _silhouette_2d(features: np.ndarray, y: np.ndarray) -> float:
    """The judge's separation score: silhouette of the 2-D PCA projection (NaN if degenerate)."""
    if not np.all(np.isfinite(features)):
        return float("nan")
    projected = _pca_2d(features)
    if not np.any(projected):
        return float("nan")
    return _silhouette(projected, y)


@cache
def _judge_separation_scores() -> dict[str, float]:
    features = _judge_separation_features()
    _, y = _separation_data()
    return {name: _silhouette_2d(features[name], y) for name in SEPARATION_LAYERS}


def _ranking(scores: dict[str, float]) -> list[str] | None:
    """Names from the highest score to the lowest, None when a score is NaN or two are tied."""
    values = list(scores.values())
    if not all(np.isfinite(values)) or len(set(values)) < len(values):
        return None
    return sorted(scores, key=lambda name: -scores[name])


def _projection_figure(features: dict[str, np.ndarray], y: np.ndarray) -> Any:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(3.0 * len(features), 3.0), layout="constrained")
    for index, (name, values) in enumerate(features.items()):
        axes = figure.add_subplot(1, len(features), index + 1)
        projected = _pca_2d(values)
        for label in np.unique(y):
            chosen = y == label
            axes.scatter(projected[chosen, 0], projected[chosen, 1], s=6, label=str(label))
        axes.set_title(f"layer {name!r}")
        axes.set_xticks([])
        axes.set_yticks([])
    figure.axes[0].legend(fontsize=7, markerscale=2)
    return figure


def _student_separation_features(ctx: CheckContext, model: Any = None) -> tuple[dict, str]:
    X, _ = _separation_data()
    got = ctx.student.layer_features(cnn_model() if model is None else model, X, SEPARATION_LAYERS)
    call = ctx.student.last_call
    return expect_keys(got, SEPARATION_LAYERS, what="features", context=call), call


@check("6.1", points=2, category="correctness")
def check_layer_features_match_fixture(ctx: CheckContext) -> None:
    """Layers '7', '9', '3' of the trained CNN on 16x16 digits: the outputs the judge measures."""
    got, call = _student_separation_features(ctx)
    want = _judge_separation_features()
    for name in SEPARATION_LAYERS:
        _expect_same_features(got[name], want[name], name, call)


@check("6.1", points=1, category="correctness")
def check_layer_features_rank_layers_like_judge(ctx: CheckContext) -> None:
    """The judge's 2-D silhouette on your features orders the layers as on its own features."""
    got, call = _student_separation_features(ctx)
    _, y = _separation_data()
    arrays = {}
    for name in SEPARATION_LAYERS:
        arrays[name] = expect_shape(
            got[name], (len(y), got[name].shape[-1]), what=f"features[{name!r}]", context=call
        ).astype(np.float64)
    scores = {name: _silhouette_2d(arrays[name], y) for name in SEPARATION_LAYERS}
    if all(np.isfinite(list(scores.values()))):
        ctx.attach_figure(
            Text(
                en=f"Your features of layers {SEPARATION_LAYERS} of the trained CNN (digits {list(SEPARATION_CLASSES)}), projected by the judge on their first two principal components",
                pt=f"Seus atributos das camadas {SEPARATION_LAYERS} da CNN treinada (dígitos {list(SEPARATION_CLASSES)}), projetados pelo corretor nas duas primeiras componentes principais",
            ),
            _projection_figure({name: arrays[name] for name in sorted(arrays, key=int)}, y),
        )
    expect(
        _ranking(scores) == JUDGE_RANKING,
        en="{call}: the judge's silhouette of the 2-D PCA projection of your features is {scores} (layer: score), which orders the layers as {got}; on the outputs it measures itself the order is {want}.",
        pt="{call}: a silhueta, calculada pelo corretor, da projeção PCA 2-D dos seus atributos é {scores} (camada: pontuação), o que ordena as camadas como {got}; nas saídas que ele mesmo mede a ordem é {want}.",
        call=call,
        scores={k: round(v, 4) for k, v in scores.items()},
        got=_ranking(scores),
        want=JUDGE_RANKING,
    )


@check("6.1", points=1, category="correctness")
def check_layer_features_use_eval_mode(ctx: CheckContext) -> None:
    """The CNN given in train mode: BatchNorm uses its running statistics (eval mode)."""
    got, call = _student_separation_features(ctx, cnn_model().train())
    want = _judge_separation_features()
    for name in ("3", "9"):
        _expect_same_features(
            got[name],
            want[name],
            name,
            Text(
                en=f"{call} with the model in train mode (features are computed in eval mode)",
                pt=f"{call} com o modelo em modo train (os atributos são calculados em modo eval)",
            ),
        )


@check("6.1", points=1, category="side-effects", requires=check_layer_features_match_fixture)
def check_layer_features_leave_model_untouched(ctx: CheckContext) -> None:
    """Model in train mode: same weights and buffers, same modes, no hook left afterwards."""
    model = ctx.student.put(cnn_model().train())
    before = model_snapshot(model)
    X, _ = _separation_data()
    ctx.student.layer_features(model, X[:20], ["3", "9"])
    expect_model_untouched(model, before, context=ctx.student.last_call)


@check("6.1", points=1, category="stability", requires=check_layer_features_match_fixture)
def check_layer_features_unknown_name_raises(ctx: CheckContext) -> None:
    X, _ = _separation_data()
    expect_raises("ValueError", ctx.student.layer_features, cnn_model(), X[:5], ["3", "conv9"])


def _separation_scores(ctx: CheckContext, features: dict, y: np.ndarray) -> tuple[dict, str]:
    got = ctx.student.separation_scores(features, y)
    call = ctx.student.last_call
    scores = expect_keys(got, list(features), what="the scores", context=call)
    return _float_dict(scores), call


@check("6.1", points=2, category="correctness")
def check_separation_ranks_fixture_layers(ctx: CheckContext) -> None:
    """The judge's features of '7', '9', '3': your scores order them as the judge's do."""
    features = _judge_separation_features()
    _, y = _separation_data()
    scores, call = _separation_scores(ctx, features, y)
    judge = _judge_separation_scores()
    ctx.attach_table(
        Text(
            en=f"Separation of layers {SEPARATION_LAYERS} of the trained CNN (digits {list(SEPARATION_CLASSES)}): your score and the judge's (silhouette of the 2-D PCA projection)",
            pt=f"Separação das camadas {SEPARATION_LAYERS} da CNN treinada (dígitos {list(SEPARATION_CLASSES)}): a sua pontuação e a do corretor (silhueta da projeção PCA 2-D)",
        ),
        ["layer", "your score", "judge's silhouette"],
        [[name, round(scores[name], 4), round(judge[name], 4)] for name in JUDGE_RANKING],
    )
    expect(
        _ranking(scores) == JUDGE_RANKING,
        en="{call} with the outputs of layers {layers} of the trained CNN for {n} digits of classes {classes}: your scores {scores} order the layers (best separated first) as {got}; the judge's order is {want} (later layers separate these classes more, under every usual score). Ties and NaN give no order.",
        pt="{call} com as saídas das camadas {layers} da CNN treinada para {n} dígitos das classes {classes}: suas pontuações {scores} ordenam as camadas (mais separada primeiro) como {got}; a ordem do corretor é {want} (as camadas finais separam mais essas classes, em toda pontuação usual). Empates e NaN não dão ordem.",
        call=call,
        layers=SEPARATION_LAYERS,
        n=len(y),
        classes=list(SEPARATION_CLASSES),
        scores={k: round(v, 4) for k, v in scores.items()},
        got=_ranking(scores),
        want=JUDGE_RANKING,
    )


@check("6.1", points=1, category="correctness", requires=check_separation_ranks_fixture_layers)
def check_separation_scale_invariant(ctx: CheckContext) -> None:
    """Multiplying a layer's features by a positive constant leaves its score unchanged."""
    features = _judge_separation_features()
    _, y = _separation_data()
    base, _ = _separation_scores(ctx, features, y)
    factors = dict(zip(SEPARATION_LAYERS, (1e-3, 40.0, 0.25)))
    scaled, call = _separation_scores(
        ctx, {name: factors[name] * values for name, values in features.items()}, y
    )
    expect_close(
        [scaled[name] for name in SEPARATION_LAYERS],
        [base[name] for name in SEPARATION_LAYERS],
        what=Text(
            en=f"the scores of layers {SEPARATION_LAYERS} after multiplying their features by {list(factors.values())} (a change of units must not change a layer's score)",
            pt=f"as pontuações das camadas {SEPARATION_LAYERS} depois de multiplicar seus atributos por {list(factors.values())} (uma mudança de unidade não pode mudar a pontuação de uma camada)",
        ),
        context=call,
        rtol=1e-3,
        atol=1e-6,
    )


@check("6.1", points=1, category="correctness", requires=check_separation_ranks_fixture_layers)
def check_separation_uses_labels(ctx: CheckContext) -> None:
    """Shuffled labels on the best-separated layer score lower than the true labels."""
    features = _judge_separation_features()
    _, y = _separation_data()
    true, _ = _separation_scores(ctx, {"9": features["9"]}, y)
    shuffled_y = np.random.default_rng(6).permutation(y)
    shuffled, call = _separation_scores(ctx, {"9": features["9"]}, shuffled_y)
    expect(
        shuffled["9"] < true["9"],
        en="{call}: with the labels shuffled at random the score of layer '9' is {shuffled:.4f}, not lower than {true:.4f} with the true labels; a separation score must measure how the classes are grouped.",
        pt="{call}: com os rótulos embaralhados ao acaso a pontuação da camada '9' é {shuffled:.4f}, não menor que {true:.4f} com os rótulos verdadeiros; uma pontuação de separação deve medir como as classes se agrupam.",
        call=call,
        shuffled=shuffled["9"],
        true=true["9"],
    )


@check("6.1", points=1, category="side-effects", requires=check_separation_ranks_fixture_layers)
def check_separation_inputs_untouched(ctx: CheckContext) -> None:
    features = _judge_separation_features()
    _, y = _separation_data()
    expect_inputs_untouched(
        ctx.student.separation_scores, {k: v.copy() for k, v in features.items()}, y.copy()
    )


# ---------------------------------------------------------------------------------------------
# 6.2 resolution-agnostic CNN

UPSAMPLED_SIZES = (20, 24)


def _agnostic(ctx: CheckContext, model: Any = None) -> tuple[Any, str]:
    result = expect_module(
        ctx.student.make_resolution_agnostic(cnn_model() if model is None else model),
        "make_resolution_agnostic(model)",
    )
    return result, ctx.student.last_call


def _summary_parameter_count(handle: Any) -> int:
    return int(
        sum(
            int(np.prod(p["shape"]))
            for row in handle.summary()["modules"]
            for p in row["parameters"]
        )
    )


@check("6.2", points=2, category="correctness", requires=check_agnostic_accepts_any_size_public)
def check_agnostic_keeps_parameters(ctx: CheckContext) -> None:
    """Every tensor of the trained CNN's state_dict is in the result, bit for bit; nothing added."""
    result, call = _agnostic(ctx)
    original = cnn_model().state_dict()
    state = result.state_dict()
    tensors = (
        [v for v in state.values() if isinstance(v, torch.Tensor)]
        if isinstance(state, dict)
        else []
    )

    def kept(name: str, value: torch.Tensor) -> bool:
        same_name = state.get(name) if isinstance(state, dict) else None
        if (
            isinstance(same_name, torch.Tensor)
            and same_name.shape == value.shape
            and torch.equal(same_name.to(value.dtype), value)
        ):
            return True
        return any(
            t.shape == value.shape and t.dtype == value.dtype and torch.equal(t, value)
            for t in tensors
        )

    missing = [name for name, value in original.items() if not kept(name, value)]
    expect(
        not missing,
        en="{call}: these tensors of the trained CNN's state_dict are not in the returned model's state_dict with the same values: {missing}. Keep the trained parameters and buffers unchanged (no re-initialisation, no training, no copy into a differently shaped layer).",
        pt="{call}: estes tensores do state_dict da CNN treinada não estão no state_dict do modelo devolvido com os mesmos valores: {missing}. Mantenha os parâmetros e buffers treinados inalterados (sem reinicializar, sem treinar, sem copiar para uma camada de outra forma).",
        call=call,
        missing=missing[:8],
    )
    added = _summary_parameter_count(result) - sum(p.numel() for p in cnn_model().parameters())
    expect(
        added == 0,
        en="{call}: the returned model has {added:+d} parameters compared with the trained CNN ({total}); the solution must use the trained parameters and nothing else.",
        pt="{call}: o modelo devolvido tem {added:+d} parâmetros em relação à CNN treinada ({total}); a solução deve usar os parâmetros treinados e nada mais.",
        call=call,
        added=added,
        total=sum(p.numel() for p in cnn_model().parameters()),
    )


@cache
@_single_threaded
def _training_resolution_digits() -> tuple[torch.Tensor, np.ndarray]:
    data = digits()
    X = upsampled(data.X_test[:150], 16)
    return X, cnn_model()(X).numpy()


@check("6.2", points=2, category="correctness", requires=check_agnostic_accepts_any_size_public)
def check_agnostic_same_outputs_at_training_resolution(ctx: CheckContext) -> None:
    """On 150 digits at 16x16 the logits are those of the trained CNN."""
    result, call = _agnostic(ctx)
    X, want = _training_resolution_digits()
    got = _agnostic_output(result, X, call)
    expect_close(
        got,
        want,
        what=Text(
            en="the logits for 150 test digits at the training resolution 16x16 (they must be the trained CNN's own)",
            pt="os logits para 150 dígitos de teste na resolução de treino 16x16 (devem ser os da própria CNN treinada)",
        ),
        context=call,
        rtol=1e-4,
        atol=1e-4,
    )


@check("6.2", points=1, category="correctness", requires=check_agnostic_accepts_any_size_public)
def check_agnostic_first_conv_sees_input_size(ctx: CheckContext) -> None:
    """No resizing or cropping: the first convolution receives the image at its own size."""
    result, call = _agnostic(ctx)
    shapes = ctx.student.put(probes.op_shapes)
    data = digits()
    for size in (24, 32):
        x = upsampled(data.X_test[:2], size)
        records = shapes(result, x)
        first_index = next(
            (i for i, r in enumerate(records) if "convolution" in r["op"]), len(records)
        )
        first = records[first_index]["input"] if first_index < len(records) else None
        before = [r["op"] for r in records[:first_index]]
        expect(
            first == [2, 1, size, size],
            en="{call}: for an input of shape (2, 1, {size}, {size}) the first convolution received {first}{how}; the statement forbids resizing (or cropping) the input: make the network accept the image as it is.",
            pt="{call}: para uma entrada de forma (2, 1, {size}, {size}) a primeira convolução recebeu {first}{how}; o enunciado proíbe redimensionar (ou recortar) a entrada: faça a rede aceitar a imagem como ela é.",
            call=call,
            size=size,
            first="nothing (no convolution ran)" if first is None else tuple(first),
            how=f" (after {before})" if before else "",
        )


@cache
def _upsampled_digits() -> dict[int, tuple[torch.Tensor, np.ndarray]]:
    data = digits()
    return {s: (upsampled(data.X_test, s), np.array(data.y_test)) for s in UPSAMPLED_SIZES}


@check("6.2", points=2, category="behaviour")
def check_agnostic_above_chance_upsampled(ctx: CheckContext) -> Partial | None:
    """The judge's accuracy on the 540 test digits enlarged to 20x20 and 24x24 (mean of the two)."""
    result, call = _agnostic(ctx)
    accuracies = {}
    for size, (X, y) in _upsampled_digits().items():
        logits = _agnostic_output(result, X, call)
        accuracies[size] = float((np.nan_to_num(logits).argmax(axis=1) == y).mean())
    ctx.attach_table(
        Text(
            en="Accuracy measured by the judge on the 540 test digits enlarged to fill the image (chance is 0.1)",
            pt="Acurácia medida pelo corretor nos 540 dígitos de teste ampliados até ocupar a imagem (o acaso é 0.1)",
        ),
        ["input size", "accuracy"],
        [[f"{s}x{s}", round(a, 4)] for s, a in accuracies.items()],
    )
    return accuracy_partial(
        float(np.mean(list(accuracies.values()))),
        full=0.5,
        zero=0.2,
        what=Text(
            en=f"the mean accuracy measured by the judge on the test digits enlarged to 20x20 and 24x24 ({ {s: round(a, 3) for s, a in accuracies.items()} })",
            pt=f"a acurácia média medida pelo corretor nos dígitos de teste ampliados para 20x20 e 24x24 ({ {s: round(a, 3) for s, a in accuracies.items()} })",
        ),
        context=call,
    )


@check("6.2", points=1, category="side-effects", requires=check_agnostic_accepts_any_size_public)
def check_agnostic_leaves_given_model_untouched(ctx: CheckContext) -> None:
    """The trained CNN passed in keeps its weights, buffers and modes (work on a copy)."""
    model = ctx.student.put(cnn_model())
    before = model_snapshot(model)
    _agnostic(ctx, model)
    expect_model_untouched(model, before, context=ctx.student.last_call, hooks=False)


# ---------------------------------------------------------------------------------------------
# 6.3 resolution predictor

CANDIDATES = [16, 20, 24, 28, 32]
CANVAS = 32
#: the digits are drawn DIGIT_SIZES pixels tall on the 32x32 canvas
DIGIT_SIZES = (10, 32)
N_RESOLUTION = 300
#: full marks within this margin below the best fixed resolution's accuracy
FIXED_MARGIN = 0.03
MAX_SPEARMAN = -0.3


@cache
@_single_threaded
def _resolution_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(images, digit sizes, labels, correct[i, c]: the judge's model classifies image i right
    at candidate c)."""
    data = digits()
    canvas, sizes = random_canvas(data.X_test[:N_RESOLUTION], *DIGIT_SIZES, CANVAS, seed=63)
    y = np.array(data.y_test[:N_RESOLUTION])
    model = agnostic_model("max")
    correct = np.zeros((N_RESOLUTION, len(CANDIDATES)), dtype=bool)
    for column, size in enumerate(CANDIDATES):
        resized = nn.functional.interpolate(
            canvas, size=(size, size), mode="bilinear", align_corners=False, antialias=True
        )
        correct[:, column] = model(resized).argmax(dim=1).numpy() == y
    return canvas.numpy(), sizes, y, correct


def _picks(ctx: CheckContext, X: np.ndarray) -> tuple[np.ndarray, str]:
    got = ctx.student.predict_resolution(agnostic_model("max"), X, CANDIDATES)
    call = ctx.student.last_call
    picks = expect_shape(
        got, (len(X),), what=Text(en="the picks", pt="as escolhas"), context=call
    ).astype(np.int64)
    outside = sorted({int(p) for p in picks.tolist()} - set(CANDIDATES))
    expect(
        not outside,
        en="{call}: every pick must be one of the candidates {candidates}; got {outside}.",
        pt="{call}: toda escolha deve ser um dos candidatos {candidates}; obteve {outside}.",
        call=call,
        candidates=CANDIDATES,
        outside=outside,
    )
    return picks, call


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """Ranks 0..n-1, ties sharing their mean rank (as scipy.stats.rankdata(method='average'))."""
    ranks = np.empty(len(values))
    ranks[np.argsort(values, kind="stable")] = np.arange(len(values))
    _, inverse = np.unique(values, return_inverse=True)
    return (np.bincount(inverse, weights=ranks) / np.bincount(inverse))[inverse]


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation; NaN when one side is constant."""
    ra, rb = _average_ranks(np.asarray(a, float)), _average_ranks(np.asarray(b, float))
    ra, rb = ra - ra.mean(), rb - rb.mean()
    norm = float(np.sqrt((ra**2).sum() * (rb**2).sum()))
    return float((ra * rb).sum() / norm) if norm > 0 else float("nan")


def _pick_accuracy(picks: np.ndarray, correct: np.ndarray) -> float:
    columns = np.searchsorted(CANDIDATES, picks)
    return float(correct[np.arange(len(picks)), columns].mean())


@check("6.3", points=2, category="behaviour")
def check_resolution_accuracy_vs_fixed(ctx: CheckContext) -> Partial | None:
    """The accuracy of the picks against the best fixed resolution and a random choice."""
    X, _, _, correct = _resolution_data()
    picks, call = _picks(ctx, X)
    achieved = _pick_accuracy(picks, correct)
    per_candidate = correct.mean(axis=0)
    ctx.attach_table(
        Text(
            en=f"Accuracy measured by the judge on {N_RESOLUTION} test digits drawn {DIGIT_SIZES[0]}-{DIGIT_SIZES[1]} pixels tall on a 32x32 image",
            pt=f"Acurácia medida pelo corretor em {N_RESOLUTION} dígitos de teste desenhados com {DIGIT_SIZES[0]}-{DIGIT_SIZES[1]} pixels de altura numa imagem 32x32",
        ),
        ["resolution", "accuracy", "images you sent there"],
        [
            [str(size), round(float(per_candidate[c]), 4), int((picks == size).sum())]
            for c, size in enumerate(CANDIDATES)
        ]
        + [
            ["your picks", round(achieved, 4), len(picks)],
            ["oracle (best per image)", round(float(correct.any(axis=1).mean()), 4), ""],
        ],
    )
    best = float(per_candidate.max())
    return accuracy_partial(
        achieved,
        full=best - FIXED_MARGIN,
        zero=float(per_candidate.mean()),
        what=Text(
            en=f"the accuracy when each image is classified at the resolution you picked (the best fixed resolution gives {best:.3f}; a random choice {per_candidate.mean():.3f})",
            pt=f"a acurácia quando cada imagem é classificada na resolução que você escolheu (a melhor resolução fixa dá {best:.3f}; uma escolha ao acaso {per_candidate.mean():.3f})",
        ),
        context=call,
    )


@check("6.3", points=1, category="behaviour", requires=check_resolution_picks_are_candidates_public)
def check_resolution_adapts_to_scale(ctx: CheckContext) -> None:
    """Smaller digits get larger resolutions: Spearman(size, pick) <= -0.3."""
    X, sizes, _, correct = _resolution_data()
    picks, call = _picks(ctx, X)
    achieved = _pick_accuracy(picks, correct)
    chance = float(correct.mean())
    assess_only_if(
        achieved > chance,
        en="{call}: the accuracy of your picks ({achieved:.3f}) is not above that of a random choice ({chance:.3f}), so whether they adapt to the digit's scale is not assessed.",
        pt="{call}: a acurácia das suas escolhas ({achieved:.3f}) não passa da de uma escolha ao acaso ({chance:.3f}), então não se avalia se elas se adaptam à escala do dígito.",
        call=call,
        achieved=achieved,
        chance=chance,
    )
    rho = _spearman(sizes, picks)
    expect(
        np.isfinite(rho) and rho <= MAX_SPEARMAN,
        en="{call}: the Spearman correlation between the digit's size ({low} to {high} pixels) and the resolution you picked is {rho}; it should be at most {limit} (a small digit needs a larger resolution to reach the size the CNN was trained on). Picks per resolution: {counts}.",
        pt="{call}: a correlação de Spearman entre o tamanho do dígito ({low} a {high} pixels) e a resolução escolhida é {rho}; deveria ser no máximo {limit} (um dígito pequeno precisa de uma resolução maior para chegar ao tamanho em que a CNN foi treinada). Escolhas por resolução: {counts}.",
        call=call,
        low=DIGIT_SIZES[0],
        high=DIGIT_SIZES[1],
        rho="undefined (every image got the same resolution)"
        if not np.isfinite(rho)
        else round(rho, 3),
        limit=MAX_SPEARMAN,
        counts={size: int((picks == size).sum()) for size in CANDIDATES},
    )


@check("6.3", points=1, category="correctness", requires=check_resolution_adapts_to_scale)
def check_resolution_picks_per_image(ctx: CheckContext) -> None:
    """The first 100 images in one batch, or split in two batches: the same picks."""
    X = _resolution_data()[0][:100]
    whole, call = _picks(ctx, X)
    parts = np.concatenate([_picks(ctx, X[:37])[0], _picks(ctx, X[37:])[0]])
    changed = np.flatnonzero(whole != parts)
    expect(
        changed.size == 0,
        en="{call}: the picks for the same 100 images differ when they come in one batch or in two (images {where}); an image's resolution must depend on that image alone, not on the rest of the batch.",
        pt="{call}: as escolhas para as mesmas 100 imagens mudam quando elas vêm num lote ou em dois (imagens {where}); a resolução de uma imagem deve depender só dela, não do resto do lote.",
        call=call,
        where=changed[:8].tolist(),
    )


# ---------------------------------------------------------------------------------------------
# 6.4 all-convolutional network

MATMUL_OPS = frozenset(
    {
        "mm",
        "addmm",
        "bmm",
        "baddbmm",
        "addbmm",
        "matmul",
        "linear",
        "mv",
        "addmv",
        "dot",
        "vdot",
        "inner",
        "outer",
        "ger",
        "einsum",
        "tensordot",
        "_addmm_activation",
        "mkldnn_linear",
        "_mkldnn_linear",
        "chain_matmul",
        "linalg_multi_dot",
        "_linear",
    }
)
RECIPE_EPOCHS = 3
RECIPE_FULL = 0.75
RECIPE_ZERO = 0.3


def _all_conv(ctx: CheckContext) -> tuple[Any, str]:
    model = expect_module(ctx.student.make_all_conv_net(1, 10), "make_all_conv_net(1, 10)")
    return model, ctx.student.last_call


@check("6.4", points=1, category="correctness", requires=check_all_conv_output_shape_public)
def check_all_conv_no_linear_module(ctx: CheckContext) -> None:
    model, call = _all_conv(ctx)
    linear = [
        f"{row['name'] or '<root>'} ({row['type'].rsplit('.', 1)[-1]})"
        for row in model.summary()["modules"]
        if row["type"].startswith("torch.nn.modules.linear.")
        and not row["type"].endswith(".Identity")
    ]
    expect(
        not linear,
        en="{call}: the network holds fully connected modules {linear}; an all-convolutional network has none (a 1x1 or full-size convolution can play their part).",
        pt="{call}: a rede contém módulos totalmente conectados {linear}; uma rede só convolucional não tem nenhum (uma convolução 1x1 ou do tamanho do mapa pode fazer o papel deles).",
        call=call,
        linear=linear[:6],
    )


@check("6.4", points=1, category="correctness", requires=check_all_conv_output_shape_public)
def check_all_conv_no_matmul_op(ctx: CheckContext) -> None:
    """The aten ops of one traced forward pass include no matrix multiplication."""
    model, call = _all_conv(ctx)
    x = torch.from_numpy(ctx.rng.uniform(size=(2, 1, 16, 16)).astype(np.float32))
    trace = model.trace(x)
    ops = trace.get("ops", []) if isinstance(trace, dict) else []
    found = sorted({str(op) for op in ops} & MATMUL_OPS)
    expect(
        not found,
        en="{call}: a forward pass of (2, 1, 16, 16) runs the matrix multiplications {found} (aten ops); an all-convolutional network computes with convolutions only (no nn.Linear, F.linear, @, torch.matmul or einsum).",
        pt="{call}: uma passagem de (2, 1, 16, 16) executa as multiplicações de matrizes {found} (operações aten); uma rede só convolucional calcula apenas com convoluções (sem nn.Linear, F.linear, @, torch.matmul ou einsum).",
        call=call,
        found=found,
    )


@check("6.4", points=1, category="correctness", requires=check_all_conv_output_shape_public)
def check_all_conv_pools_only_globally(ctx: CheckContext) -> None:
    """No max pooling, and any average pooling reduces the map to 1x1 (the final global one)."""
    model, call = _all_conv(ctx)
    shapes = ctx.student.put(probes.op_shapes)
    x = torch.from_numpy(ctx.rng.uniform(size=(2, 1, 16, 16)).astype(np.float32))
    local = [
        f"{r['op']} {tuple(r['input'] or ())} -> {tuple(r['output'] or ())}"
        for r in shapes(model, x)
        if "pool" in r["op"]
        and ("max" in r["op"] or not r["output"] or any(d != 1 for d in r["output"][2:]))
    ]
    expect(
        not local,
        en="{call}: a forward pass of (2, 1, 16, 16) runs the pooling ops {local}; the resolution must be reduced by strided convolutions, and the only pooling allowed is the final global average (output 1x1).",
        pt="{call}: uma passagem de (2, 1, 16, 16) executa as operações de pooling {local}; a resolução deve ser reduzida por convoluções com stride, e o único pooling permitido é a média global final (saída 1x1).",
        call=call,
        local=local[:4],
    )


@cache
def _recipe_data() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, np.ndarray]:
    data = digits()
    return (
        upsampled(data.X_train, 16),
        torch.from_numpy(np.array(data.y_train)),
        upsampled(data.X_test, 16),
        np.array(data.y_test),
    )


@check("6.4", points=3, category="behaviour", timeout=90.0)
def check_all_conv_trained_by_recipe(ctx: CheckContext) -> Partial | None:
    """The harness trains the network with its fixed recipe; the judge measures test accuracy."""
    model, call = _all_conv(ctx)
    X_train, y_train, X_test, y_test = _recipe_data()
    train = ctx.student.put(probes.train_recipe)
    trained = train(model, X_train, y_train, RECIPE_EPOCHS, 0)
    seconds = ctx.student.last_call_seconds
    logits = _agnostic_output(
        trained,
        X_test,
        Text(
            en=f"{call}, trained by the harness's recipe",
            pt=f"{call}, treinada pela receita do corretor",
        ),
    )
    achieved = float((np.nan_to_num(logits).argmax(axis=1) == y_test).mean())
    ctx.attach_table(
        Text(
            en=f"Your network trained by the harness's recipe (Adam lr 3e-3, batches of 32, {RECIPE_EPOCHS} epochs, 1257 digits at 16x16)",
            pt=f"Sua rede treinada pela receita do corretor (Adam lr 3e-3, lotes de 32, {RECIPE_EPOCHS} épocas, 1257 dígitos em 16x16)",
        ),
        ["parameters", "training time (s, in your worker)", "test accuracy (540 digits)"],
        [
            [
                _summary_parameter_count(trained),
                round(seconds, 2),
                round(achieved, 4),
            ]
        ],
    )
    return accuracy_partial(
        achieved,
        full=RECIPE_FULL,
        zero=RECIPE_ZERO,
        what=Text(
            en=f"the test accuracy (540 digits, 16x16; chance is 0.1) after the harness trained your network with Adam (lr 3e-3), batches of 32, {RECIPE_EPOCHS} epochs over the 1257 training digits",
            pt=f"a acurácia de teste (540 dígitos, 16x16; o acaso é 0.1) depois que o corretor treinou a sua rede com Adam (lr 3e-3), lotes de 32, {RECIPE_EPOCHS} épocas nos 1257 dígitos de treino",
        ),
        context=call,
    )


# ---------------------------------------------------------------------------------------------
# 6.5 filter-normalised directions and the loss landscape


def _direction(ctx: CheckContext, model: Any, seed: int) -> tuple[dict[str, np.ndarray], str]:
    got = ctx.student.filter_normalized_direction(model, seed)
    call = ctx.student.last_call
    return _expect_filter_norms(got, cnn_model(), call), call


@check("6.5", points=2, category="correctness")
def check_direction_filter_norms_match_weights(ctx: CheckContext) -> None:
    """The trained CNN (3 convolutions, a Linear): each filter's norm is the weights' filter norm."""
    _direction(ctx, cnn_model(), 0)


@check("6.5", points=1, category="correctness", requires=check_direction_filter_norms_match_weights)
def check_direction_zero_for_biases_and_batchnorm(ctx: CheckContext) -> None:
    directions, call = _direction(ctx, cnn_model(), 0)
    nonzero = [
        name
        for name, parameter in cnn_model().named_parameters()
        if parameter.dim() <= 1 and np.any(directions[name] != 0)
    ]
    expect(
        not nonzero,
        en="{call}: the directions of {nonzero} are not zero; biases and BatchNorm weights and biases (parameters with one dimension) get a zero direction (Li et al.'s 'biasbn').",
        pt="{call}: as direções de {nonzero} não são zero; vieses e pesos e vieses da BatchNorm (parâmetros de uma dimensão) recebem direção zero (o 'biasbn' de Li et al.).",
        call=call,
        nonzero=nonzero,
    )


@check("6.5", points=1, category="correctness", requires=check_direction_filter_norms_match_weights)
def check_direction_deterministic(ctx: CheckContext) -> None:
    expect_deterministic(ctx.student.filter_normalized_direction, cnn_model(), 7)


@check("6.5", points=1, category="correctness", requires=check_direction_filter_norms_match_weights)
def check_direction_depends_on_seed(ctx: CheckContext) -> None:
    """Seeds 0 and 1 give different directions in every tensor with more than one dimension."""
    first, _ = _direction(ctx, cnn_model(), 0)
    second, call = _direction(ctx, cnn_model(), 1)
    same = [
        name
        for name, parameter in cnn_model().named_parameters()
        if parameter.dim() > 1 and np.allclose(first[name], second[name])
    ]
    expect(
        not same,
        en="{call}: seeds 0 and 1 give the same direction for {same}; the direction is a random draw from a generator seeded with seed (the weights themselves are not a random direction).",
        pt="{call}: as sementes 0 e 1 dão a mesma direção para {same}; a direção é um sorteio de um gerador semeado com seed (os próprios pesos não são uma direção aleatória).",
        call=call,
        same=same,
    )


@check("6.5", points=1, category="stability", requires=check_direction_filter_norms_match_weights)
def check_direction_zero_filter_stays_zero(ctx: CheckContext) -> None:
    """A filter whose weights are all zero gets a zero (finite) direction."""
    model = cnn_model()
    with torch.no_grad():
        model[4].weight[3].zero_()
        model[11].weight[5].zero_()
    got = ctx.student.filter_normalized_direction(model, 0)
    call = ctx.student.last_call
    _expect_filter_norms(got, model, call)


@check(
    "6.5", points=1, category="side-effects", requires=check_direction_filter_norms_match_weights
)
def check_direction_leaves_model_untouched(ctx: CheckContext) -> None:
    model = ctx.student.put(cnn_model().train())
    before = model_snapshot(model)
    ctx.student.filter_normalized_direction(model, 2)
    expect_model_untouched(model, before, context=ctx.student.last_call)


LANDSCAPE_ROWS = 64
STEPS = 7
SPAN = 0.5


@cache
def _landscape_data() -> tuple[torch.Tensor, torch.Tensor]:
    data = digits()
    return (
        upsampled(data.X_test[:LANDSCAPE_ROWS], 16),
        torch.from_numpy(np.array(data.y_test[:LANDSCAPE_ROWS])),
    )


@check("6.5", points=1, category="correctness", requires=check_landscape_small_model_public)
def check_landscape_grid_even_steps(ctx: CheckContext) -> None:
    X, y = _landscape_data()
    alphas, betas, _, call = _landscape(ctx, cnn_model(), X[:32], y[:32], 4, 0.3, 1)
    _expect_grid(alphas, betas, 4, 0.3, call)


@check("6.5", points=1, category="correctness")
def check_landscape_centre_is_model_loss(ctx: CheckContext) -> None:
    X, y = _landscape_data()
    _, _, Z, call = _landscape(ctx, cnn_model(), X, y, STEPS, SPAN, 0)
    _expect_centre(Z, _judge_loss(cnn_model(), X, y), call)


@_single_threaded
def _judge_surface(
    delta: dict[str, np.ndarray],
    eta: dict[str, np.ndarray],
    alphas: np.ndarray,
    betas: np.ndarray,
    X: torch.Tensor,
    y: torch.Tensor,
) -> np.ndarray:
    """The eval-mode cross-entropy at theta + alphas[i] delta + betas[j] eta, by the judge."""
    model = cnn_model()
    parameters = dict(model.named_parameters())
    theta = {name: p.detach().clone() for name, p in parameters.items()}
    d = {name: torch.from_numpy(delta[name]).to(torch.float32) for name in theta}
    e = {name: torch.from_numpy(eta[name]).to(torch.float32) for name in theta}
    Z = np.zeros((len(alphas), len(betas)))
    for i, alpha in enumerate(alphas):
        for j, beta in enumerate(betas):
            for name, p in parameters.items():
                p.copy_(theta[name] + float(alpha) * d[name] + float(beta) * e[name])
            Z[i, j] = float(nn.functional.cross_entropy(model(X), y))
    return Z


def _attach_surface(ctx: CheckContext, title: Text, alphas: Any, betas: Any, Z: Any) -> None:
    values = np.asarray(Z, dtype=float)
    if values.shape == (len(alphas), len(betas)) and np.all(np.isfinite(values)):
        ctx.attach_figure(title, loss_surface(alphas, betas, values, log_scale=True))


@check("6.5", points=3, category="correctness")
def check_landscape_matches_directions(ctx: CheckContext) -> None:
    """Every Z[i, j] recomputed with your own directions for seed and seed + 1."""
    X, y = _landscape_data()
    seed = 3
    alphas, betas, Z, call = _landscape(ctx, cnn_model(), X, y, STEPS, SPAN, seed)
    _attach_surface(
        ctx,
        Text(
            en=f"Your loss landscape of the trained CNN ({LANDSCAPE_ROWS} test digits, seed {seed}; log10 of the cross-entropy)",
            pt=f"Sua paisagem da perda da CNN treinada ({LANDSCAPE_ROWS} dígitos de teste, semente {seed}; log10 da entropia cruzada)",
        ),
        alphas,
        betas,
        Z,
    )
    reference = ctx.reference.loss_landscape_2d(
        cnn_model(), nn.CrossEntropyLoss(), X, y, STEPS, SPAN, seed
    )
    _attach_surface(
        ctx,
        Text(
            en="The reference solution's loss landscape (same model, data and seed; other random directions)",
            pt="A paisagem da perda da solução de referência (mesmo modelo, dados e semente; outras direções aleatórias)",
        ),
        *reference,
    )
    _expect_grid(alphas, betas, STEPS, SPAN, call)
    # the student's own directions, whatever their norms (those are checked on their own)
    delta = _direction_arrays(
        ctx.student.filter_normalized_direction(cnn_model(), seed), cnn_model(), LAST_CALL
    )
    eta = _direction_arrays(
        ctx.student.filter_normalized_direction(cnn_model(), seed + 1), cnn_model(), LAST_CALL
    )
    expected = _judge_surface(delta, eta, alphas, betas, X, y)
    expect_close(
        Z,
        expected,
        what=Text(
            en=f"Z, where Z[i, j] is the eval-mode loss at theta + alphas[i] delta + betas[j] eta with delta = filter_normalized_direction(model, {seed}) and eta = filter_normalized_direction(model, {seed + 1}) (the judge recomputed every point with your directions; a transposed Z, from np.meshgrid's default 'xy' indexing, fails here)",
            pt=f"Z, em que Z[i, j] é a perda em modo eval em theta + alphas[i] delta + betas[j] eta com delta = filter_normalized_direction(model, {seed}) e eta = filter_normalized_direction(model, {seed + 1}) (o corretor recalculou cada ponto com as suas direções; um Z transposto, da indexação padrão 'xy' de np.meshgrid, falha aqui)",
        ),
        context=call,
        rtol=1e-3,
        atol=1e-4,
    )


@check("6.5", points=1, category="correctness", requires=check_landscape_centre_is_model_loss)
def check_landscape_uses_eval_mode(ctx: CheckContext) -> None:
    """The model given in train mode: the loss is still measured in eval mode."""
    X, y = _landscape_data()
    _, _, Z, call = _landscape(ctx, cnn_model().train(), X, y, 3, SPAN, 0)
    _expect_centre(
        Z,
        _judge_loss(cnn_model(), X, y),
        call,
        Text(
            en=" with the model given in train mode (BatchNorm must use its running statistics)",
            pt=" com o modelo recebido em modo train (a BatchNorm deve usar suas estatísticas acumuladas)",
        ),
    )


@check("6.5", points=2, category="side-effects", requires=check_landscape_centre_is_model_loss)
def check_landscape_restores_model(ctx: CheckContext) -> None:
    """Afterwards the model (given in train mode) has its weights, buffers and modes back."""
    X, y = _landscape_data()
    model = ctx.student.put(cnn_model().train())
    before = model_snapshot(model)
    ctx.student.loss_landscape_2d(model, nn.CrossEntropyLoss(), X[:64], y[:64], 3, SPAN, 0)
    expect_model_untouched(model, before, context=ctx.student.last_call)


@check("6.5", points=1, category="correctness", requires=check_landscape_matches_directions)
def check_landscape_deterministic(ctx: CheckContext) -> None:
    X, y = _landscape_data()
    expect_deterministic(
        ctx.student.loss_landscape_2d,
        cnn_model(),
        nn.CrossEntropyLoss(),
        X[:64],
        y[:64],
        3,
        SPAN,
        5,
    )


# END HIDDEN
