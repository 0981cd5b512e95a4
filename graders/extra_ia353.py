"""Grader for extra_ia353 (the automatable parts of the IA353A written report).

Nothing a submission reports is taken on trust. The initialisation is judged on the weights it
draws: the bound, a statistical test of their variance and of their uniformity (each test with a
stated false-alarm rate), and the activation variance that the judge itself measures through a deep
linear network loaded with the student's weights. `HardSharingMTL` runs in the worker (it is the
student's class), but which parameters each task's loss reaches is measured by a judge probe
(``harness/probes/extra_ia353.py``) that runs one backward pass per task, and the accuracy on the
two digit tasks comes from the judge's own training recipe and held-out digits. The FLOPs of
compound scaling are counted by the judge on its own convolutional network, scaled with the
multipliers the student returns.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from torch import nn

from harness.checks import (
    CheckContext,
    GraderSettings,
    Text,
    check,
    expect,
    expect_close,
    expect_raises,
    rubric,
)

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=20.0, submission_budget_s=120.0)
# the contract is the reference's annotations (compound_scaling -> tuple[float, float, float])

NEGATIVE_TRANSFER = rubric(
    "7.1",
    "negative_transfer",
    2,
    Text(
        en="What negative transfer is in multi-task learning, when it happens (unrelated tasks, conflicting gradients in the shared layers, losses on different scales) and how it is reduced (task grouping, loss weighting, gradient surgery, less sharing).",
        pt="O que é transferência negativa no aprendizado multitarefa, quando acontece (tarefas pouco relacionadas, gradientes conflitantes nas camadas compartilhadas, perdas em escalas diferentes) e como reduzi-la (agrupar tarefas, ponderar perdas, cirurgia de gradientes, compartilhar menos).",
    ),
)
VARIANCE_DERIVATION = rubric(
    "8.1",
    "variance_derivation",
    2,
    Text(
        en="Derivation of b = sqrt(3 / fan_in): Var(y) = fan_in Var(w) Var(x) under the stated assumptions, Var(U(-b, b)) = b²/3, and why fan_in includes the receptive field for convolutions.",
        pt="Dedução de b = sqrt(3 / fan_in): Var(y) = fan_in Var(w) Var(x) sob as hipóteses enunciadas, Var(U(-b, b)) = b²/3, e por que fan_in inclui o campo receptivo em convoluções.",
    ),
)
DATASHEET_SECTIONS = rubric(
    "9.1",
    "datasheet_sections",
    2,
    Text(
        en="The main sections of Datasheets for Datasets (motivation, composition, collection, preprocessing/labelling, uses, distribution, maintenance) and what each documents.",
        pt="As seções principais de Datasheets for Datasets (motivação, composição, coleta, pré-processamento/rotulação, usos, distribuição, manutenção) e o que cada uma documenta.",
    ),
)
SIMILAR_DOCUMENTATION = rubric(
    "9.2",
    "similar_documentation",
    1,
    Text(
        en="Two works with a similar purpose (e.g. Model Cards, FactSheets) and what each documents.",
        pt="Dois trabalhos com propósito semelhante (por exemplo, Model Cards, FactSheets) e o que cada um documenta.",
    ),
)
FIXRES = rubric(
    "10.2",
    "fixres",
    2,
    Text(
        en="FixRes: why train and test at the same resolution disagree (random-resized crops enlarge objects at training time, so apparent sizes and activation statistics differ at test time) and the fix (test at a higher resolution, fine-tune the classifier and BatchNorm at it).",
        pt="FixRes: por que treino e teste na mesma resolução discordam (os recortes aleatórios ampliam os objetos no treino, então tamanhos aparentes e estatísticas das ativações diferem no teste) e a correção (testar numa resolução maior, ajustar o classificador e a BatchNorm nela).",
    ),
)


def _bound(shape: tuple[int, ...]) -> float:
    return math.sqrt(3.0 / (shape[1] * math.prod(shape[2:])))


# ----------------------------------------------------------------------------- public checks


@check("8.1", points=1, category="correctness", hidden=False)
def check_uniform_small_example(ctx: CheckContext) -> None:
    """A (40, 3) weight: fan_in 3, so every value lies in [-1, 1] and the values are not all equal."""
    got = ctx.student.variance_preserving_uniform_(torch.zeros(40, 3))
    values = np.asarray(got, dtype=np.float64)
    expect(
        values.shape == (40, 3)
        and float(np.abs(values).max()) <= 1.0 + 1e-6
        and float(values.std()) > 0.1,
        en="{call} should return the (40, 3) tensor filled from U(-1, 1) (b = sqrt(3 / 3) = 1); got values of shape {shape} in [{low:.3g}, {high:.3g}] with standard deviation {std:.3g}.",
        pt="{call} deveria devolver o tensor (40, 3) preenchido de U(-1, 1) (b = sqrt(3 / 3) = 1); obteve valores de forma {shape} em [{low:.3g}, {high:.3g}] com desvio padrão {std:.3g}.",
        call=ctx.student.last_function_call,
        shape=values.shape,
        low=float(values.min()) if values.size else float("nan"),
        high=float(values.max()) if values.size else float("nan"),
        std=float(values.std()) if values.size else float("nan"),
    )


@check("7.2", points=1, category="shape", hidden=False)
def check_mtl_one_output_per_task(ctx: CheckContext) -> None:
    """HardSharingMTL(8, 16, [3, 2]) on 5 rows returns a list of two outputs, (5, 3) and (5, 2)."""
    model = ctx.student.HardSharingMTL(8, 16, [3, 2])
    outputs = model(torch.ones(5, 8))
    shapes = _output_shapes(outputs)
    expect(
        shapes == [(5, 3), (5, 2)],
        en="HardSharingMTL(8, 16, [3, 2])(x) with x of shape (5, 8) should return a list of two tensors of shapes (5, 3) and (5, 2), one per task in order; got {got}.",
        pt="HardSharingMTL(8, 16, [3, 2])(x) com x de forma (5, 8) deveria devolver uma lista de dois tensores de formas (5, 3) e (5, 2), um por tarefa, em ordem; obteve {got}.",
        got=shapes if shapes is not None else type(outputs).__name__,
    )


@check("10.1", points=1, category="correctness", hidden=False)
def check_compound_scaling_example(ctx: CheckContext) -> None:
    """phi = 1 with the default alpha, beta, gamma gives (1.2, 1.1, 1.15)."""
    got = ctx.student.compound_scaling(1.0)
    expect_close(list(got), [1.2, 1.1, 1.15], what="(depth, width, resolution)", atol=1e-9)


def _output_shapes(outputs: Any) -> list[tuple[int, ...]] | None:
    if not isinstance(outputs, list | tuple) or not all(hasattr(o, "shape") for o in outputs):
        return None
    return [tuple(o.shape) for o in outputs]


# BEGIN HIDDEN
from hypothesis import strategies as st  # noqa: E402

from harness.checks import (  # noqa: E402
    accuracy_partial,
    curves,
    digits,
    expect_deterministic,
    for_all,
    load_returned_weights,
)
from harness.probes import extra_ia353 as probes  # noqa: E402

# two-sided false-alarm rate of every statistical test below (a correct submission fails one with
# this probability, whatever its seed)
FALSE_ALARM = 1e-6
Z_LIMIT = 4.89  # P(|N(0, 1)| > 4.89) = 1.0e-6


def _uniform_statistics(values: np.ndarray, bound: float) -> tuple[float, float]:
    """z-score of the mean of w² against b²/3 (its standard error from the uniform's 4th moment,
    b⁴/5), and the Kolmogorov-Smirnov p-value against U(-b, b)."""
    from scipy import stats

    flat = values.astype(np.float64).ravel()
    second = bound**2 / 3.0
    spread = math.sqrt((bound**4 / 5.0 - second**2) / flat.size)
    z = (float(np.mean(flat**2)) - second) / spread
    p = float(stats.kstest(flat, stats.uniform(loc=-bound, scale=2 * bound).cdf).pvalue)
    return z, p


def _filled(ctx: CheckContext, shape: tuple[int, ...]) -> tuple[np.ndarray, str]:
    got = ctx.student.variance_preserving_uniform_(torch.zeros(shape))
    values = np.asarray(got, dtype=np.float64)
    call = ctx.student.last_function_call
    expect(
        values.shape == shape,
        en="{call} should return the tensor it filled, of shape {shape}; got shape {got}.",
        pt="{call} deveria devolver o tensor que preencheu, de forma {shape}; obteve forma {got}.",
        call=call,
        shape=shape,
        got=values.shape,
    )
    return values, call


LINEAR_SHAPES = [(200, 300), (300, 50), (64, 64)]
CONV_SHAPES = [(32, 16, 3, 3), (24, 6, 5), (8, 4, 2, 3, 3)]


def _expect_bound(values: np.ndarray, shape: tuple[int, ...], call: str) -> None:
    bound = _bound(shape)
    largest = float(np.abs(values).max())
    expect(
        0.97 * bound <= largest <= bound * (1 + 1e-6),
        en="{call}: fan_in = {fan_in}, so the values should fill [-b, b] with b = sqrt(3 / fan_in) = {bound:.4g}; the largest |value| is {largest:.4g}.",
        pt="{call}: fan_in = {fan_in}, então os valores deveriam preencher [-b, b] com b = sqrt(3 / fan_in) = {bound:.4g}; o maior |valor| é {largest:.4g}.",
        call=call,
        fan_in=shape[1] * math.prod(shape[2:]),
        bound=bound,
        largest=largest,
    )


@check("8.1", points=2, category="correctness")
def check_uniform_bound_is_sqrt_3_over_fan_in(ctx: CheckContext) -> None:
    """Linear weights (out, in) of three shapes, out != in in two: max |w| within [0.97 b, b]."""
    for shape in LINEAR_SHAPES:
        values, call = _filled(ctx, shape)
        _expect_bound(values, shape, call)


@check("8.1", points=2, category="correctness")
def check_uniform_conv_fan_in_includes_receptive_field(ctx: CheckContext) -> None:
    """Conv weights (out, in, k...) of 1-d, 2-d and 3-d convolutions: fan_in = in * prod(k)."""
    for shape in CONV_SHAPES:
        values, call = _filled(ctx, shape)
        _expect_bound(values, shape, call)


@check("8.1", points=2, category="correctness", requires=check_uniform_bound_is_sqrt_3_over_fan_in)
def check_uniform_variance_is_one_over_fan_in(ctx: CheckContext) -> None:
    """z-test of the mean of w² against b²/3 = 1 / fan_in on 60 000 drawn weights; a correct
    submission fails it with probability 1e-6."""
    shape = (200, 300)
    values, call = _filled(ctx, shape)
    z, _ = _uniform_statistics(values, _bound(shape))
    expect(
        abs(z) <= Z_LIMIT,
        en="{call}: the mean of w² is {got:.5g}, {z:+.1f} standard errors from 1 / fan_in = {want:.5g} (the test accepts |z| <= {limit}; false-alarm rate {rate:g}).",
        pt="{call}: a média de w² é {got:.5g}, a {z:+.1f} erros padrão de 1 / fan_in = {want:.5g} (o teste aceita |z| <= {limit}; taxa de falso alarme {rate:g}).",
        call=call,
        got=float(np.mean(values**2)),
        z=z,
        want=1 / 300,
        limit=Z_LIMIT,
        rate=FALSE_ALARM,
    )


@check("8.1", points=1, category="correctness", requires=check_uniform_bound_is_sqrt_3_over_fan_in)
def check_uniform_distribution_is_uniform(ctx: CheckContext) -> None:
    """Kolmogorov-Smirnov test of 60 000 weights against U(-b, b), rejected at p < 1e-6."""
    shape = (200, 300)
    values, call = _filled(ctx, shape)
    _, p = _uniform_statistics(values, _bound(shape))
    expect(
        p >= FALSE_ALARM,
        en="{call}: a Kolmogorov-Smirnov test rejects U(-b, b), b = {bound:.4g}, with p = {p:.2g} (threshold {rate:g}: a correct submission fails it with that probability); are the weights drawn from another distribution or shifted?",
        pt="{call}: um teste de Kolmogorov-Smirnov rejeita U(-b, b), b = {bound:.4g}, com p = {p:.2g} (limiar {rate:g}: uma submissão correta falha com essa probabilidade); os pesos vêm de outra distribuição ou estão deslocados?",
        call=call,
        bound=_bound(shape),
        p=p,
        rate=FALSE_ALARM,
    )


@check("8.1", points=1, category="side-effects", requires=check_uniform_bound_is_sqrt_3_over_fan_in)
def check_uniform_fills_in_place(ctx: CheckContext) -> None:
    """The tensor passed in is the one filled (the function ends in `_`, PyTorch's in-place mark)."""
    result, args_after, _ = ctx.student.variance_preserving_uniform_.call_with_inputs(
        torch.zeros(30, 20)
    )
    after = np.asarray(args_after[0], dtype=np.float64)
    expect(
        float(np.abs(after).max()) > 0 and np.array_equal(after, np.asarray(result)),
        en="{call} should fill the tensor it receives in place and return it; after the call the argument {what}.",
        pt="{call} deveria preencher no lugar o tensor recebido e devolvê-lo; depois da chamada o argumento {what_pt}.",
        call=ctx.student.last_function_call,
        what="is still all zeros"
        if float(np.abs(after).max()) == 0
        else "differs from the returned tensor",
        what_pt="continua todo zero"
        if float(np.abs(after).max()) == 0
        else "difere do tensor devolvido",
    )


@check("8.1", points=1, category="correctness", requires=check_uniform_bound_is_sqrt_3_over_fan_in)
def check_uniform_follows_the_generator(ctx: CheckContext) -> None:
    """Two generators seeded 5 give the same weights, one seeded 6 gives other weights."""
    draws = []
    for seed in (5, 5, 6):
        generator = ctx.student.put(torch.Generator().manual_seed(seed))
        draws.append(
            np.asarray(ctx.student.variance_preserving_uniform_(torch.zeros(10, 10), generator))
        )
    expect(
        np.array_equal(draws[0], draws[1]) and not np.array_equal(draws[0], draws[2]),
        en="variance_preserving_uniform_(tensor, generator) should draw from `generator`: two generators seeded 5 gave {same} weights, and generators seeded 5 and 6 gave {other} weights.",
        pt="variance_preserving_uniform_(tensor, generator) deveria sortear de `generator`: dois geradores com semente 5 deram pesos {same_pt}, e geradores com sementes 5 e 6 deram pesos {other_pt}.",
        same="the same" if np.array_equal(draws[0], draws[1]) else "different",
        other="the same" if np.array_equal(draws[0], draws[2]) else "different",
        same_pt="iguais" if np.array_equal(draws[0], draws[1]) else "diferentes",
        other_pt="iguais" if np.array_equal(draws[0], draws[2]) else "diferentes",
    )


@check("8.1", points=1, category="robustness", requires=check_uniform_bound_is_sqrt_3_over_fan_in)
def check_uniform_rejects_fewer_than_two_dims(ctx: CheckContext) -> None:
    """A bias-like (7,) tensor and a 0-d tensor have no fan_in: ValueError."""
    expect_raises("ValueError", ctx.student.variance_preserving_uniform_, torch.zeros(7))
    expect_raises("ValueError", ctx.student.variance_preserving_uniform_, torch.tensor(0.0))


def _seeded(build: Callable[[], nn.Module]) -> nn.Module:
    """The same judge-built network every time (the global RNG is left as it was)."""
    with torch.random.fork_rng():
        torch.manual_seed(0)
        return build()


def _mixed_model() -> nn.Module:
    """Linear and Conv layers (with and without bias) among layers the initialisation must skip;
    the norms' weights are set away from their defaults, so resetting them shows."""
    return _seeded(_build_mixed_model)


def _build_mixed_model() -> nn.Module:
    model = nn.Sequential(
        OrderedDict(
            stem=nn.Conv2d(3, 12, 3),
            norm=nn.BatchNorm2d(12),
            mixer=nn.Conv1d(6, 10, 5, bias=False),
            block=nn.Sequential(OrderedDict(hidden=nn.Linear(240, 120), scale=nn.LayerNorm(120))),
            head=nn.Linear(120, 10),
            table=nn.Embedding(20, 8),
        )
    )
    with torch.no_grad():
        model.norm.weight.fill_(0.5)
        model.norm.running_mean.fill_(0.25)
        model.block.scale.weight.fill_(0.7)
        model.block.scale.bias.fill_(0.1)
    return model


INITIALISED = {"stem", "mixer", "block.hidden", "head"}


def _initialised_state(ctx: CheckContext, seed: int = 0) -> tuple[dict[str, torch.Tensor], str]:
    returned = ctx.student.init_variance_preserving(ctx.student.put(_mixed_model()), seed)
    call = ctx.student.last_function_call
    model = load_returned_weights(returned, _mixed_model(), call=call)
    return {k: v.detach().clone() for k, v in model.state_dict().items()}, call


@check("8.1", points=2, category="correctness")
def check_init_weights_are_variance_preserving(ctx: CheckContext) -> None:
    """Every Linear and Conv weight of the judge's model within its bound, filling it, with the
    mean of w² within the z-test's limit (false-alarm rate 1e-6 per layer)."""
    state, call = _initialised_state(ctx)
    for name in sorted(INITIALISED):
        weight = state[f"{name}.weight"].numpy()
        shape = tuple(weight.shape)
        bound = _bound(shape)
        largest = float(np.abs(weight).max())
        z, _ = _uniform_statistics(weight, bound)
        expect(
            0.9 * bound <= largest <= bound * (1 + 1e-6) and abs(z) <= Z_LIMIT,
            en="{call}: layer `{name}` (weight {shape}) should be U(-b, b) with b = {bound:.4g}; its largest |w| is {largest:.4g} and its mean of w² is {z:+.1f} standard errors from b²/3.",
            pt="{call}: a camada `{name}` (peso {shape}) deveria ser U(-b, b) com b = {bound:.4g}; seu maior |w| é {largest:.4g} e sua média de w² está a {z:+.1f} erros padrão de b²/3.",
            call=call,
            name=name,
            shape=shape,
            bound=bound,
            largest=largest,
            z=z,
        )


@check("8.1", points=1, category="correctness", requires=check_init_weights_are_variance_preserving)
def check_init_biases_zero(ctx: CheckContext) -> None:
    state, call = _initialised_state(ctx)
    for name in sorted(INITIALISED - {"mixer"}):
        bias = state[f"{name}.bias"]
        expect(
            bool(torch.all(bias == 0)),
            en="{call}: the bias of layer `{name}` should be zero; its largest |value| is {got:.3g}.",
            pt="{call}: o viés da camada `{name}` deveria ser zero; seu maior |valor| é {got:.3g}.",
            call=call,
            name=name,
            got=float(bias.abs().max()),
        )


@check(
    "8.1", points=1, category="side-effects", requires=check_init_weights_are_variance_preserving
)
def check_init_leaves_other_layers_alone(ctx: CheckContext) -> None:
    """BatchNorm, LayerNorm and Embedding parameters and buffers come back as they were."""
    state, call = _initialised_state(ctx)
    before = _mixed_model().state_dict()
    for key, value in before.items():
        if key.rsplit(".", 1)[0] in INITIALISED:
            continue
        expect(
            torch.equal(state[key], value),
            en="{call} changed `{key}`, which is not the weight or bias of a Linear or Conv layer (only those are initialised).",
            pt="{call} mudou `{key}`, que não é peso nem viés de camada Linear ou Conv (só essas são inicializadas).",
            call=call,
            key=key,
        )


@check("8.1", points=1, category="correctness", requires=check_init_weights_are_variance_preserving)
def check_init_deterministic_per_seed(ctx: CheckContext) -> None:
    """The same seed gives the same weights in two calls (the worker's global RNG moves on between
    them); another seed gives other weights."""
    first, _ = _initialised_state(ctx, 3)
    again, _ = _initialised_state(ctx, 3)
    other, _ = _initialised_state(ctx, 4)
    same = all(torch.equal(first[k], again[k]) for k in first)
    differs = any(not torch.equal(first[k], other[k]) for k in first)
    expect(
        same and differs,
        en="init_variance_preserving(model, seed) should be deterministic per seed: two calls with seed 3 gave {same} weights and seeds 3 and 4 gave {other} weights.",
        pt="init_variance_preserving(model, seed) deveria ser determinística por semente: duas chamadas com semente 3 deram pesos {same_pt} e as sementes 3 e 4 deram pesos {other_pt}.",
        same="the same" if same else "different",
        other="different" if differs else "the same",
        same_pt="iguais" if same else "diferentes",
        other_pt="diferentes" if differs else "iguais",
    )


DEPTH, WIDTH = 30, 256


def _deep_linear() -> nn.Module:
    return _seeded(lambda: nn.Sequential(*(nn.Linear(WIDTH, WIDTH) for _ in range(DEPTH))).double())


def _activation_variances(model: nn.Sequential) -> list[float]:
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(512, WIDTH, generator=generator, dtype=torch.float64)
    variances = [float(x.var())]
    with torch.no_grad():
        for layer in model:
            x = layer(x)
            variances.append(float(x.var()))
    return variances


@check("8.1", points=2, category="behaviour")
def check_deep_network_keeps_activation_variance(ctx: CheckContext) -> None:
    """30 linear layers of width 256 initialised by the student: the activation variance after
    the last layer stays within [0.5, 2] times the input's (a naive U(-1, 1) multiplies it by
    about 85 per layer, PyTorch's default divides it by 3 until its biases dominate). The three
    curves go in the report."""
    returned = ctx.student.init_variance_preserving(ctx.student.put(_deep_linear().float()), 0)
    call = ctx.student.last_function_call
    model = load_returned_weights(returned, _deep_linear(), call=call)
    student = _activation_variances(model)
    naive = _deep_linear()
    with torch.no_grad():
        for layer in naive:
            layer.weight.uniform_(-1.0, 1.0, generator=torch.Generator().manual_seed(1))
    default = _deep_linear()
    ctx.attach_figure(
        Text(
            en="Activation variance through 30 linear layers of width 256 (input variance 1), measured by the judge",
            pt="Variância das ativações em 30 camadas lineares de largura 256 (variância de entrada 1), medida pelo corretor",
        ),
        curves(
            range(DEPTH + 1),
            {
                "your init_variance_preserving": student,
                "U(-1, 1)": _activation_variances(naive),
                "PyTorch default": _activation_variances(default),
            },
            xlabel="layer",
            ylabel="activation variance",
            log_y=True,
        ),
    )
    ratio = student[-1] / student[0]
    expect(
        0.5 <= ratio <= 2.0,
        en="{call}: after 30 linear layers of width 256, the activation variance is {ratio:.3g} times the input's; a variance-preserving initialisation keeps it within [0.5, 2].",
        pt="{call}: depois de 30 camadas lineares de largura 256, a variância das ativações é {ratio:.3g} vezes a da entrada; uma inicialização que preserva a variância a mantém em [0.5, 2].",
        call=call,
        ratio=ratio,
    )


# ----------------------------------------------------------------------------- 7.2


def _reach(ctx: CheckContext, hidden: Any, tasks: list[int]) -> dict[str, Any]:
    model = ctx.student.HardSharingMTL(20, hidden, tasks)
    inputs = torch.randn(16, 20, generator=torch.Generator().manual_seed(2))
    report = ctx.student.put(probes.gradient_reach)(model, inputs, 0)
    expect(
        isinstance(report, dict) and report.get("tasks") == len(tasks),
        en="HardSharingMTL(20, {hidden}, {tasks})(x) should return one output per task ({n}); got {got}.",
        pt="HardSharingMTL(20, {hidden}, {tasks})(x) deveria devolver uma saída por tarefa ({n}); obteve {got}.",
        hidden=hidden,
        tasks=tasks,
        n=len(tasks),
        got=report.get("tasks") if isinstance(report, dict) else report,
    )
    return report


def _trunk(report: dict[str, Any]) -> set[str]:
    return {name for name, reach in report["reach"].items() if all(reach)}


@check("7.2", points=2, category="correctness")
def check_mtl_trunk_gets_gradient_from_every_task(ctx: CheckContext) -> None:
    """HardSharingMTL(20, [16, 12], [4, 3, 2]): one backward pass per task (the judge's probe);
    the two hidden layers' weights, (16, 20) and (12, 16), receive gradient from all three."""
    report = _reach(ctx, [16, 12], [4, 3, 2])
    shapes = report["shapes"]
    for wanted in ([16, 20], [12, 16]):
        layers = [name for name, shape in shapes.items() if shape == wanted]
        shared = [name for name in layers if name in _trunk(report)]
        expect(
            bool(shared),
            en="HardSharingMTL(20, [16, 12], [4, 3, 2]): the trunk's weight of shape {wanted} should receive gradient from the loss of every task; the judge's per-task backward passes found {found}.",
            pt="HardSharingMTL(20, [16, 12], [4, 3, 2]): o peso do tronco de forma {wanted} deveria receber gradiente da perda de cada tarefa; os backward por tarefa do corretor encontraram {found}.",
            wanted=tuple(wanted),
            found={name: report["reach"][name] for name in layers} or "no parameter of that shape",
        )


@check(
    "7.2", points=2, category="correctness", requires=check_mtl_trunk_gets_gradient_from_every_task
)
def check_mtl_each_head_gets_only_its_task(ctx: CheckContext) -> None:
    """Outside the trunk, every parameter is reached by exactly one task's loss, and every task
    has such parameters of its own (its head): nothing is shared between heads."""
    tasks = [4, 3, 2]
    report = _reach(ctx, [16, 12], tasks)
    for name, reach in report["reach"].items():
        count = sum(reach)
        expect(
            count in (0, 1, len(tasks)),
            en="HardSharingMTL(20, [16, 12], {tasks}): parameter `{name}` receives gradient from tasks {which} only: a head layer is shared between tasks.",
            pt="HardSharingMTL(20, [16, 12], {tasks}): o parâmetro `{name}` recebe gradiente só das tarefas {which}: uma camada de cabeça é compartilhada entre tarefas.",
            tasks=tasks,
            name=name,
            which=[t for t, hit in enumerate(reach) if hit],
        )
    for task, width in enumerate(tasks):
        own = [
            name
            for name, reach in report["reach"].items()
            if reach[task] and sum(reach) == 1 and report["shapes"][name][:1] == [width]
        ]
        expect(
            bool(own),
            en="HardSharingMTL(20, [16, 12], {tasks}): task {task} should have a head of its own (a layer with {width} outputs that only its loss reaches); none found.",
            pt="HardSharingMTL(20, [16, 12], {tasks}): a tarefa {task} deveria ter cabeça própria (uma camada com {width} saídas que só a sua perda alcança); nenhuma encontrada.",
            tasks=tasks,
            task=task,
            width=width,
        )


@check("7.2", points=1, category="shape", requires=check_mtl_trunk_gets_gradient_from_every_task)
def check_mtl_hidden_int_is_one_layer(ctx: CheckContext) -> None:
    """`hidden` = 16 (an int) builds one hidden layer: the trunk holds one weight, of shape (16, 20)."""
    report = _reach(ctx, 16, [4, 3])
    weights = sorted(
        tuple(report["shapes"][name]) for name in _trunk(report) if len(report["shapes"][name]) == 2
    )
    expect(
        weights == [(16, 20)],
        en="HardSharingMTL(20, 16, [4, 3]) should have one shared hidden layer (weight (16, 20)); the weights every task reaches have shapes {got}.",
        pt="HardSharingMTL(20, 16, [4, 3]) deveria ter uma camada oculta compartilhada (peso (16, 20)); os pesos que toda tarefa alcança têm formas {got}.",
        got=weights,
    )


@check("7.2", points=1, category="shape", requires=check_mtl_trunk_gets_gradient_from_every_task)
def check_mtl_outputs_follow_task_order(ctx: CheckContext) -> None:
    """Four tasks of widths [7, 2, 5, 1] on 9 rows: outputs (9, 7), (9, 2), (9, 5), (9, 1) in order."""
    model = ctx.student.HardSharingMTL(12, [10, 6], [7, 2, 5, 1])
    shapes = _output_shapes(model(torch.ones(9, 12)))
    expect(
        shapes == [(9, 7), (9, 2), (9, 5), (9, 1)],
        en="HardSharingMTL(12, [10, 6], [7, 2, 5, 1])(x) on 9 rows should return outputs of shapes (9, 7), (9, 2), (9, 5), (9, 1), in that order; got {got}.",
        pt="HardSharingMTL(12, [10, 6], [7, 2, 5, 1])(x) em 9 linhas deveria devolver saídas de formas (9, 7), (9, 2), (9, 5), (9, 1), nessa ordem; obteve {got}.",
        got=shapes,
    )


@check(
    "7.2", points=3, category="behaviour", requires=check_mtl_trunk_gets_gradient_from_every_task
)
def check_mtl_learns_digit_and_parity(ctx: CheckContext) -> Any:
    """HardSharingMTL(64, [64], [10, 2]) trained by the judge's recipe (12 epochs of Adam on
    CE(digit) + CE(parity), 1257 digits); held-out accuracy on both tasks, measured by the judge:
    full marks when the lower of the two is at least 0.90, nothing at 0.60 or below."""
    split = digits()
    model = ctx.student.HardSharingMTL(64, [64], [10, 2])
    train = ctx.student.put(probes.train_two_tasks)
    X = torch.from_numpy(np.array(split.X_train))
    y = torch.from_numpy(np.array(split.y_train))
    train(model, X, y, y % 2, 12, 0)
    outputs = model(torch.from_numpy(np.array(split.X_test)))
    shapes = _output_shapes(outputs)
    expect(
        shapes is not None and len(shapes) == 2,
        en="HardSharingMTL(64, [64], [10, 2])(x) should return two outputs; got {got}.",
        pt="HardSharingMTL(64, [64], [10, 2])(x) deveria devolver duas saídas; obteve {got}.",
        got=shapes,
    )
    digit = float(np.mean(np.asarray(outputs[0]).argmax(axis=1) == split.y_test))
    parity = float(np.mean(np.asarray(outputs[1]).argmax(axis=1) == split.y_test % 2))
    ctx.attach_table(
        Text(
            en="Held-out accuracy of HardSharingMTL(64, [64], [10, 2]) trained by the judge on both tasks",
            pt="Acurácia em dados separados de HardSharingMTL(64, [64], [10, 2]) treinada pelo corretor nas duas tarefas",
        ),
        ["task", "accuracy"],
        [["digit (10 classes)", round(digit, 4)], ["parity (2 classes)", round(parity, 4)]],
    )
    return accuracy_partial(
        min(digit, parity),
        full=0.90,
        zero=0.60,
        what=Text(
            en=f"the lower of the two held-out accuracies (digit {digit:.3f}, parity {parity:.3f})",
            pt=f"a menor das duas acurácias em dados separados (dígito {digit:.3f}, paridade {parity:.3f})",
        ),
        context="HardSharingMTL(64, [64], [10, 2]) trained by the judge",
    )


@check(
    "7.2", points=1, category="correctness", requires=check_mtl_trunk_gets_gradient_from_every_task
)
def check_mtl_forward_deterministic(ctx: CheckContext) -> None:
    """The same model on the same rows gives the same outputs twice (no dropout left on, no
    randomness in forward)."""
    model = ctx.student.HardSharingMTL(12, [10], [3, 2])
    x = torch.randn(6, 12, generator=torch.Generator().manual_seed(4))
    expect_deterministic(model, x)


# ----------------------------------------------------------------------------- 10.1


@check("10.1", points=2, category="correctness")
def check_compound_scaling_matches_definition(ctx: CheckContext) -> None:
    """Generated phi in [0, 4] and alpha, beta, gamma in [1, 2]: (alpha**phi, beta**phi, gamma**phi)."""

    def prop(case: tuple[float, float, float, float]) -> None:
        phi, alpha, beta, gamma = case
        got = ctx.student.compound_scaling(phi, alpha, beta, gamma)
        expect_close(
            list(got),
            [alpha**phi, beta**phi, gamma**phi],
            what="(depth, width, resolution)",
            rtol=1e-9,
            atol=1e-12,
        )

    for_all(
        st.tuples(
            st.floats(0.0, 4.0), st.floats(1.0, 2.0), st.floats(1.0, 2.0), st.floats(1.0, 2.0)
        ),
        prop,
        examples=15,
        show=lambda c: f"phi = {c[0]}, alpha = {c[1]}, beta = {c[2]}, gamma = {c[3]}",
    )


BASE_DEPTH, BASE_WIDTH, BASE_RESOLUTION = 8, 32, 32


def _scaled_net(depth: float, width: float) -> nn.Module:
    channels = max(1, round(BASE_WIDTH * width))
    blocks = max(1, math.ceil(BASE_DEPTH * depth))
    layers: list[nn.Module] = [nn.Conv2d(3, channels, 3, padding=1), nn.ReLU()]
    for _ in range(blocks):
        layers += [nn.Conv2d(channels, channels, 3, padding=1), nn.ReLU()]
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(channels, 10))


def _flops(depth: float, width: float, resolution: float) -> int:
    from torch.utils.flop_counter import FlopCounterMode

    side = max(1, round(BASE_RESOLUTION * resolution))
    counter = FlopCounterMode(display=False)
    with torch.no_grad(), counter:
        _scaled_net(depth, width)(torch.zeros(1, 3, side, side))
    return int(counter.get_total_flops())


@check("10.1", points=2, category="behaviour")
def check_compound_scaling_grows_flops_as_predicted(ctx: CheckContext) -> None:
    """The judge scales its own CNN (8 conv blocks, 32 channels, 32x32 input) with the returned
    multipliers for phi = 1, 2, 3 and counts the FLOPs of the traced ops: each ratio to the base
    network within 15% of (alpha * beta**2 * gamma**2)**phi (rounding layers and pixels)."""
    base = _flops(1.0, 1.0, 1.0)
    rows = []
    failures = []
    for phi in (1.0, 2.0, 3.0):
        got = ctx.student.compound_scaling(phi)
        depth, width, resolution = (float(v) for v in got)
        expect(
            all(math.isfinite(v) and 0 < v <= 10 for v in (depth, width, resolution)),
            en="compound_scaling({phi:g}) returned {got}; multipliers for phi <= 3 with the default coefficients are finite and between 1 and 2.5, so the judge cannot scale its network with them.",
            pt="compound_scaling({phi:g}) retornou {got}; multiplicadores para phi <= 3 com os coeficientes padrão são finitos e ficam entre 1 e 2,5, então o corretor não consegue escalar sua rede com eles.",
            phi=phi,
            got=(depth, width, resolution),
        )
        ratio = _flops(depth, width, resolution) / base
        predicted = (1.2 * 1.1**2 * 1.15**2) ** phi
        rows.append(
            [
                phi,
                round(depth, 3),
                round(width, 3),
                round(resolution, 3),
                round(ratio, 2),
                round(predicted, 2),
            ]
        )
        if not abs(ratio / predicted - 1) <= 0.15:
            failures.append(f"phi = {phi:g}: {ratio:.2f} against {predicted:.2f}")
    ctx.attach_table(
        Text(
            en="FLOPs of the judge's CNN scaled with your multipliers, relative to the base network",
            pt="FLOPs da CNN do corretor escalada com os seus multiplicadores, relativos à rede base",
        ),
        ["phi", "depth", "width", "resolution", "FLOPs ratio", "(alpha beta² gamma²)^phi"],
        rows,
    )
    expect(
        not failures,
        en="compound_scaling(phi): the judge's CNN scaled with your multipliers grows its FLOPs by {failures} (ratio to the base network against the prediction); they should agree within 15%.",
        pt="compound_scaling(phi): a CNN do corretor escalada com os seus multiplicadores cresce seus FLOPs por {failures} (razão para a rede base contra a previsão); deveriam concordar a 15%.",
        failures="; ".join(failures),
    )


# END HIDDEN
