# Public checks for ch06_convolutional, released by `grade release` (do not edit).
# Run them with:  grade check ch06_convolutional ch06_convolutional.py
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
