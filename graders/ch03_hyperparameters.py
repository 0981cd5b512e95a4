"""Grader for ch03_hyperparameters (PCS 5022, chapter 3: basic hyperparameters).

Probes that run around the student's code (autograd off, gradients, judge-designed training,
checkpoint round trips, a recording ``evaluate``) are in ``harness/probes/ch03_hyperparameters.py``;
every verdict is computed here from plain data and handles. A property that presupposes a working
function ``requires=`` its correctness check or tests a presupposition on the spot (the loss prefers
the target; phi is a function of its input; the schedule is deterministic and bounded).
The requirement -> checks list is at the top of the hidden part (it names hidden checks).
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import torch

from harness.checks import (
    Array,
    CheckContext,
    DictOf,
    GraderSettings,
    Keys,
    ListOf,
    StudentRaised,
    Text,
    Tuple,
    as_array,
    assess_only_if,
    check,
    describe,
    expect,
    expect_close,
    expect_shape,
    fail,
    refine,
    rubric,
)
from harness.probes import ch03_hyperparameters as probes

CONTRACT = refine(
    grad_linear=Tuple((Array(ndim=2), Array(ndim=1), Array(ndim=0))),
    grad_normalization=Tuple((Array(ndim=2),) + (Array(ndim=1),) * 4),
    proposed_loss=Array(ndim=0),
    grid_search=ListOf(Keys(config=DictOf(str, object), score=float)),
)

SETTINGS = GraderSettings(call_timeout_s=30.0, submission_budget_s=300.0)

SCHEDULER_DISCUSSION = rubric(
    "3.3",
    "scheduler_proposal",
    2,
    Text(
        en="Is the proposed learning-rate policy motivated (which problem it addresses) and compared with a known policy (step decay, cosine, one-cycle...)? Look at the plotted curve.",
        pt="A política de taxa de aprendizado proposta é motivada (que problema resolve) e comparada com uma política conhecida (degraus, cosseno, one-cycle...)? Veja a curva desenhada.",
    ),
)
ACTIVATION_DISCUSSION = rubric(
    "3.4",
    "activation_proposal",
    2,
    Text(
        en="Is the shape of the proposed activation motivated (derivative, saturation, behaviour near 0, cost) and compared with known activations?",
        pt="A forma da ativação proposta é motivada (derivada, saturação, comportamento perto de 0, custo) e comparada com ativações conhecidas?",
    ),
)
LOSS_DISCUSSION = rubric(
    "3.5",
    "loss_proposal",
    2,
    Text(
        en="Does the discussion explain what the proposed loss penalises differently from cross-entropy, and when it would be preferable?",
        pt="A discussão explica o que a função de erro proposta penaliza de diferente da entropia cruzada, e quando ela seria preferível?",
    ),
)


def _probe(ctx: CheckContext, probe: object, name: str, doing: Text, *args, **kwargs):
    """Run a judge probe around the student's code; an error says what the judge was doing."""
    try:
        return ctx.student.put(probe)(*args, **kwargs)
    except StudentRaised as raised:
        if raised.is_a("NotImplementedError"):
            fail(
                en="`{name}` is not implemented yet (it raised NotImplementedError).",
                pt="`{name}` ainda não foi implementada (levantou NotImplementedError).",
                name=name,
            )
        fail(doing + Text.same(": ") + raised.explain())


def _scheduled_rates(ctx: CheckContext, total: int, lrs: tuple, steps: int, runs: int = 1):
    """Rates (steps + 1, groups) of SGD(param groups at ``lrs``) under optimizer.step();
    scheduler.step(). With ``runs=2``, not assessed unless a second run gives the same rates and no
    rate after total_steps exceeds the largest planned one."""
    call = f"ProposedScheduler(SGD with param-group rates {list(lrs)}, total_steps={total})"
    doing = Text(
        en=f"{call}: running {steps} steps of optimizer.step(); scheduler.step()",
        pt=f"{call}: executando {steps} passos de optimizer.step(); scheduler.step()",
    )
    rates, run = [], probes.run_scheduler
    for _ in range(runs):
        optimizer = ctx.student.put(probes.sgd_over_rate_groups)(list(lrs))
        scheduler = ctx.student.ProposedScheduler(optimizer, total)
        report = _probe(ctx, run, "ProposedScheduler", doing, scheduler, optimizer, steps)
        rates.append(np.asarray(report["lrs"], dtype=np.float64))
    planned, beyond = rates[0][: total + 1], rates[0][total + 1 :]
    assess_only_if(
        all(np.array_equal(r, rates[0], equal_nan=True) for r in rates)
        and (runs == 1 or bool(np.all(beyond <= np.max(planned, axis=0) * (1 + 1e-9)))),
        en="{call} gives different rates in two identical runs, or a rate beyond total_steps above the largest planned one; a policy is a function of the step and the initial rates and does not grow after the plan, so this property is not assessed.",
        pt="{call} dá taxas diferentes em duas execuções idênticas, ou uma taxa além de total_steps acima da maior planejada; uma política é função do passo e das taxas iniciais e não cresce após o plano, então esta propriedade não é avaliada.",
        call=call,
    )
    return rates[0], call


def _varies(rates: np.ndarray) -> bool:
    """The rate changes by more than 1% of its largest value."""
    return bool(np.all(np.isfinite(rates)) and np.ptp(rates) > 0.01 * np.abs(rates).max())


def _expect_positive(rates: np.ndarray, call: str) -> None:
    bad = np.argwhere(~(np.isfinite(rates) & (rates > 0)))
    step, group = (int(i) for i in bad[0]) if len(bad) else (0, 0)
    expect(
        not len(bad),
        en="{call}: after {step} scheduler steps the learning rate of param group {group} is {value}; it must stay finite and strictly positive at every step, also after total_steps (training may run longer than planned).",
        pt="{call}: após {step} passos do scheduler a taxa de aprendizado do grupo de parâmetros {group} é {value}; ela deve ser finita e estritamente positiva em todo passo, também após total_steps (o treino pode durar mais que o planejado).",
        call=call,
        step=step,
        group=group,
        value=float(rates[step, group]),
    )


def _show_key(key: str) -> str:
    """A configuration key (see probes.config_key) as readable text: {init='xavier', lr=0.01}."""
    return "{" + ", ".join(f"{name}={value}" for name, value in json.loads(key)) + "}"


def _product(space: dict) -> list[dict]:
    return [dict(zip(space, values)) for values in itertools.product(*space.values())]


# ---------------------------------------------------------------------------------------------
# Public checks: small known answers, no reference needed.


@check("3.1", points=1, category="correctness", hidden=False)
def check_grad_combination_known_values(ctx: CheckContext) -> None:
    """y = 2(a - b) + c with grad_y = 1 everywhere: the gradients are 2, -2 and 1."""
    a, b, c = (torch.arange(6, dtype=torch.float64).reshape(2, 3) * s for s in (1.0, -0.5, 2.0))
    grads = ctx.student.grad_combination(a, b, c, torch.ones(2, 3, dtype=torch.float64))
    for got, want, name in zip(grads, (2.0, -2.0, 1.0), ("grad_a", "grad_b", "grad_c")):
        expect_close(got, np.full((2, 3), want), what=name)


@check("3.1", points=1, category="correctness", hidden=False)
def check_grad_linear_known_values(ctx: CheckContext) -> None:
    """A 2 x 2 example worked out by hand."""
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)
    w = torch.tensor([0.5, -1.0], dtype=torch.float64)
    b = torch.tensor(0.3, dtype=torch.float64)
    grad_y = torch.tensor([1.0, 2.0], dtype=torch.float64)
    grad_x, grad_w, grad_b = ctx.student.grad_linear(x, w, b, grad_y)
    expect_close(grad_x, [[0.5, -1.0], [1.0, -2.0]], what="grad_x")
    expect_close(grad_w, [7.0, 10.0], what="grad_w")
    expect_close(grad_b, 3.0, what="grad_b")


@check("3.3", points=1, category="correctness", hidden=False)
def check_scheduler_runs_with_optimizer(ctx: CheckContext) -> None:
    """ProposedScheduler(SGD(lr=0.1), total_steps=50) runs 50 steps with finite positive rates."""
    rates, call = _scheduled_rates(ctx, 50, (0.1,), 50, runs=2)
    assess_only_if(
        _varies(rates) or not np.all(np.isfinite(rates) & (rates > 0)),
        en="{call}: the learning rate stays {rate:.6g} for 50 steps; a constant rate is not a schedule, so running with the optimizer is not assessed.",
        pt="{call}: a taxa de aprendizado fica em {rate:.6g} por 50 passos; uma taxa constante não é uma política, então rodar com o otimizador não é avaliado.",
        call=call,
        rate=float(rates[0, 0]),
    )
    _expect_positive(rates, call)


@check("3.4", points=1, category="shape", hidden=False)
def check_activation_preserves_shape_public(ctx: CheckContext) -> None:
    x = torch.linspace(-3, 3, 12).reshape(4, 3)
    out = ctx.student.ProposedActivation()(x)
    values = expect_shape(out, (4, 3), what="activation(x) for x of shape (4, 3)").ravel()
    grid = x.numpy().ravel().astype(np.float64)
    finite = bool(np.all(np.isfinite(values)))
    residual = values - np.polyval(np.polyfit(grid, values, 1), grid) if finite else values
    assess_only_if(
        finite and float(np.abs(residual).max()) > 1e-3 * max(1.0, float(np.abs(values).max())),
        en="ProposedActivation()(x) for 12 points x in [-3, 3] is {values}: an affine function of x (or not finite), so keeping the shape is not assessed.",
        pt="ProposedActivation()(x) para 12 pontos x em [-3, 3] é {values}: uma função afim de x (ou não finita), então manter a forma não é avaliado.",
        values=np.round(values, 4).tolist(),
    )


def _loss_prefers_target(ctx: CheckContext, logits: torch.Tensor) -> None:
    """Not assessed unless the loss is lower when each target is the top-scoring class."""
    loss = ctx.student.proposed_loss
    values = [float(loss(logits, pick(logits, dim=1))) for pick in (torch.argmax, torch.argmin)]
    assess_only_if(
        values[0] < values[1],
        en="proposed_loss gives {good:.6g} when every target is the class with the highest logit and {bad:.6g} when it is the class with the lowest; a loss must be lower when the logits favour the target, so this property is not assessed.",
        pt="proposed_loss dá {good:.6g} quando todo target é a classe de maior logit e {bad:.6g} quando é a de menor; um erro deve ser menor quando os logits favorecem o target, então esta propriedade não é avaliada.",
        good=values[0],
        bad=values[1],
    )


@check("3.5", points=1, category="shape", hidden=False)
def check_loss_returns_scalar_public(ctx: CheckContext) -> None:
    logits = torch.tensor([[2.0, 0.5, -1.0], [0.0, 1.0, 3.0], [1.0, 1.5, 1.0], [-2.0, 0.0, 2.0]])
    _loss_prefers_target(ctx, logits)
    loss = ctx.student.proposed_loss(logits, torch.tensor([0, 2, 1, 0]))
    expect(
        isinstance(loss, torch.Tensor) and loss.dim() == 0 and bool(torch.isfinite(loss)),
        en="{call} returned {got}; expected a finite 0-d tensor (a scalar, e.g. a mean over the batch).",
        pt="{call} retornou {got}; esperado um tensor 0-d finito (um escalar, por exemplo uma média no lote).",
        call=ctx.student.last_call,
        got=describe(loss),
    )


@check("3.6", points=1, category="correctness", hidden=False)
def check_grid_search_small_space_public(ctx: CheckContext) -> None:
    """A 2 x 2 x 2 space: eight results, one per configuration."""
    space = {"optimizer": ["sgd", "adam"], "init": ["xavier", "kaiming"], "lr": [0.01, 0.1]}
    table = {probes.config_key(config): float(i) for i, config in enumerate(_product(space))}
    results = ctx.student.grid_search(space, ctx.student.put(probes.RecordingEvaluate(table)))
    keys = [probes.config_key(row["config"]) for row in results]
    expect(
        sorted(keys) == sorted(table),
        en="{call}: the results hold {got} configurations ({distinct} distinct); expected the 8 combinations of the 2 x 2 x 2 space, each once.",
        pt="{call}: os resultados têm {got} configurações ({distinct} distintas); esperadas as 8 combinações do espaço 2 x 2 x 2, cada uma uma vez.",
        call=ctx.student.last_call,
        got=len(keys),
        distinct=len(set(keys)),
    )


# BEGIN HIDDEN
# Requirement of the README -> checks, each over every input the README admits:
# 3.1 [float32 and float64; one sample and several; one feature and several; 0-d, size-1 dims]
# - y = 2(a - b) + c, gradients shaped like the inputs: check_grad_combination_known_values,
#   check_grad_combination_matches_autograd
# - y = x^T w + b: check_grad_linear_known_values, check_grad_linear_matches_autograd
# - y = (x - mu) / sigma * gamma + delta, shared inputs summed over the rows:
#   check_grad_normalization_input, check_grad_normalization_statistics, check_grad_normalization_affine
# - no autograd, inside torch.no_grad(): check_grad_{combination,linear,normalization}_without_autograd
# 3.3 [SGD with one param group and with two of different initial rates; total_steps 1 to 100]
# - runs as optimizer.step(); scheduler.step(): check_scheduler_runs_with_optimizer
# - not constant over total_steps, in every group: check_scheduler_is_not_constant
# - each group's rate from its own initial rate: check_scheduler_groups_follow_their_own_rates
# - a subclass of LRScheduler: check_scheduler_subclasses_lr_scheduler
# - finite, > 0 at every step, before and beyond total_steps: check_scheduler_rates_finite_and_positive
# - checkpoint at every step of the horizon and beyond, resumed: check_scheduler_state_dict_round_trip
# 3.4 [float32 and float64; one sample and a batch; 0-d to 4-d and empty inputs]
# - keeps shape and dtype: check_activation_preserves_shape_public, check_activation_shape_and_dtype
# - elementwise, one phi: check_activation_is_elementwise, check_activation_same_function_everywhere
# - finite values and gradients on extreme float32 inputs: check_activation_finite_on_extreme_inputs
# - nonlinear, not a built-in: check_activation_is_nonlinear, check_activation_is_not_builtin
# - deterministic in eval(): check_activation_deterministic_in_eval
# - the judge's MLP reaches test accuracy 0.90 on circles (no points at chance or at the linear
#   model's accuracy): check_activation_mlp_beats_linear
# 3.5 [float32 and float64 logits; one sample and several; targets that do and do not cover every
# class; 3 to 10 classes]
# - a 0-d floating tensor: check_loss_returns_scalar_public, check_loss_is_scalar
# - finite value and gradient on extreme logits: check_loss_finite_on_extreme_logits
# - finite, non-zero gradient: check_loss_gradient_finite_and_nonzero
# - down as the correct logit grows: check_loss_decreases_with_true_logit
# - up as a wrong logit grows: check_loss_increases_with_wrong_logit
# - trains nn.Linear on digits to test accuracy 0.80 (chance 0.10): check_loss_trains_classifier
# 3.6 [spaces of 1, 3, 4 and 5 axes, axes with a single value; surfaces over 3 and 4 hyperparameters]
# - each combination once in the results: check_grid_search_small_space_public,
#   check_grid_search_covers_full_product
# - each configuration evaluated exactly once: check_grid_search_evaluates_each_config_once
# - score = what evaluate() returned: check_grid_search_reports_evaluate_scores
# - space unchanged: check_grid_search_leaves_space_unchanged
# - predict(config) -> float: check_predictor_returns_numbers
# - held-out mean squared error <= 0.75 x the mean's: check_predictor_beats_mean_on_unseen_configs
# - results unchanged: check_predictor_leaves_results_unchanged

import hypothesis.strategies as st  # noqa: E402

from harness.checks import (  # noqa: E402
    LAST_CALL,
    accuracy_partial,
    curves,
    digits,
    expect_deterministic,
    expect_inputs_untouched,
    for_all,
)

# ---------------------------------------------------------------------------------------------
# 3.1 hand-derived gradients, checked against autograd

GRADIENTS = {
    "grad_combination": (("a", "b", "c"), lambda a, b, c: 2 * (a - b) + c),
    "grad_linear": (("x", "w", "b"), lambda x, w, b: x @ w + b),
    "grad_normalization": (
        ("x", "mu", "sigma", "gamma", "delta"),
        lambda x, m, s, g, d: (x - m) / s * g + d,
    ),
}
DTYPES = {"float32": torch.float32, "float64": torch.float64}
#: (rtol, atol relative to the largest expected value): float32 arithmetic against float64 autograd
TOLERANCE = {"float32": (1e-4, 1e-5), "float64": (1e-5, 1e-7)}


def _case(name: str, case: tuple):
    """Inputs and grad_y for a case (seed, shape or n, d, dtype); autograd's gradients in float64."""
    seed, *sizes, dtype = case
    rng = np.random.default_rng(seed)

    def draw(shape, low=-2.0, high=2.0):
        return torch.as_tensor(rng.uniform(low, high, size=shape)).to(DTYPES[dtype])

    if name == "grad_combination":
        inputs = [draw(sizes[0]) for _ in range(3)]
        grad_y = draw(sizes[0])
    elif name == "grad_linear":
        (n, d) = sizes
        inputs, grad_y = [draw((n, d)), draw((d,)), draw(())], draw((n,))
    else:
        (n, d) = sizes
        inputs = [draw((n, d), -3, 3), draw((d,)), draw((d,), 0.5, 2.0), draw((d,)), draw((d,))]
        grad_y = draw((n, d))
    leaves = [t.detach().to(torch.float64).requires_grad_(True) for t in inputs]
    with torch.enable_grad():
        y = GRADIENTS[name][1](*leaves)
        want = torch.autograd.grad(y, leaves, grad_y.to(torch.float64))
    return (*inputs, grad_y), [g.numpy() for g in want]


def _expect_gradients(got, want, names, dtype: str, which=None, context=LAST_CALL) -> None:
    rtol, atol = TOLERANCE[dtype]
    for i in range(len(names)) if which is None else which:
        scale = max(1.0, float(np.abs(want[i]).max(initial=0.0)))
        what = f"dL/d{names[i]} (autograd's value is expected)"
        expect_close(got[i], want[i], what=what, rtol=rtol, atol=atol * scale, context=context)


_DTYPE = st.sampled_from(sorted(DTYPES))
_COMBINATION_CASES = st.tuples(
    st.integers(0, 10_000), st.lists(st.integers(1, 4), max_size=3).map(tuple), _DTYPE
)
_BATCH_CASES = st.tuples(st.integers(0, 10_000), st.integers(1, 6), st.integers(1, 5), _DTYPE)
#: every dtype on the smallest inputs: 0-d and size-1 dimensions, one sample, one feature
_COMBINATION_SHAPES, _BATCH_SIZES = ((), (1,), (1, 5, 1), (3, 2)), ((1, 3), (1, 1), (5, 1), (4, 3))
EDGES = {
    "grad_combination": [(s, x, t) for s, x in enumerate(_COMBINATION_SHAPES) for t in DTYPES],
    "grad_linear": [(s, *x, t) for s, x in enumerate(_BATCH_SIZES) for t in DTYPES],
}
EDGES["grad_normalization"] = EDGES["grad_linear"]


def _gradients_match(ctx: CheckContext, name: str, which=None, examples: int = 12) -> None:
    names = GRADIENTS[name][0]

    def prop(case) -> None:
        args, want = _case(name, case)
        _expect_gradients(getattr(ctx.student, name)(*args), want, names, case[-1], which)

    for case in EDGES[name]:
        prop(case)
    combination = name == "grad_combination"
    for_all(
        _COMBINATION_CASES if combination else _BATCH_CASES,
        prop,
        examples=examples,
        show=lambda c: (
            f"{'inputs of shape ' + str(c[1]) if combination else f'x of shape ({c[1]}, {c[2]})'}, {c[-1]} (seed {c[0]})"
        ),
    )


@check("3.1", points=2, category="correctness")
def check_grad_combination_matches_autograd(ctx: CheckContext) -> None:
    _gradients_match(ctx, "grad_combination", examples=15)


@check("3.1", points=2, category="correctness")
def check_grad_linear_matches_autograd(ctx: CheckContext) -> None:
    _gradients_match(ctx, "grad_linear", examples=15)


@check("3.1", points=2, category="correctness")
def check_grad_normalization_input(ctx: CheckContext) -> None:
    """dL/dx of y = (x - mu) / sigma * gamma + delta."""
    _gradients_match(ctx, "grad_normalization", (0,))


@check("3.1", points=2, category="correctness")
def check_grad_normalization_statistics(ctx: CheckContext) -> None:
    """dL/dmu and dL/dsigma: summed over the rows that share them."""
    _gradients_match(ctx, "grad_normalization", (1, 2))


@check("3.1", points=2, category="correctness")
def check_grad_normalization_affine(ctx: CheckContext) -> None:
    """dL/dgamma and dL/ddelta."""
    _gradients_match(ctx, "grad_normalization", (3, 4))


def _without_autograd(ctx: CheckContext, name: str) -> None:
    """Hand-derived: under torch.no_grad() the function never calls autograd and is still right."""
    names = GRADIENTS[name][0]
    for case in (EDGES[name][-2], EDGES[name][-1]):  # one float32 and one float64 case
        args, want = _case(name, case)
        call = f"{name}(...) inside torch.no_grad(), {case[-1]} inputs that do not require grad"
        doing = Text(en=f"Calling {call}", pt=f"Chamando {call}")
        report = _probe(ctx, probes.HandDerivedCall(name), name, doing, *args)
        expect(
            not (report["autograd_calls"] or report["forward_ad_calls"]),
            en="{call}: your function ran PyTorch's automatic differentiation ({engine} call(s) to the autograd engine: backward / torch.autograd.grad / torch.func; {forward} use(s) of forward-mode AD: dual tensors / torch.func.jvp). This exercise asks for the derivatives you derived by hand, computed with plain tensor arithmetic.",
            pt="{call}: sua função executou a diferenciação automática do PyTorch ({engine} chamada(s) ao motor do autograd: backward / torch.autograd.grad / torch.func; {forward} uso(s) de AD no modo direto: tensores duais / torch.func.jvp). Este exercício pede as derivadas que você derivou à mão, calculadas com aritmética de tensores.",
            call=call,
            engine=report["autograd_calls"],
            forward=report["forward_ad_calls"],
        )
        expect(
            report["error"] is None,
            en="{call} raised {error}. Derivatives derived by hand need no autograd graph: compute them with tensor arithmetic.",
            pt="{call} levantou {error}. Derivadas calculadas à mão não precisam do grafo do autograd: calcule-as com aritmética de tensores.",
            call=call,
            error=report["error"],
        )
        result = report["result"]
        expect(
            isinstance(result, tuple | list) and len(result) == len(names),
            en="{call} returned {got}; expected a tuple of {n} gradients.",
            pt="{call} retornou {got}; esperada uma tupla de {n} gradientes.",
            call=call,
            got=describe(result),
            n=len(names),
        )
        _expect_gradients(result, want, names, case[-1], context=call)


@check("3.1", points=1, category="correctness", requires=check_grad_combination_matches_autograd)
def check_grad_combination_without_autograd(ctx: CheckContext) -> None:
    _without_autograd(ctx, "grad_combination")


@check("3.1", points=1, category="correctness", requires=check_grad_linear_matches_autograd)
def check_grad_linear_without_autograd(ctx: CheckContext) -> None:
    _without_autograd(ctx, "grad_linear")


NORMALIZATION = [f"check_grad_normalization_{part}" for part in ("input", "statistics", "affine")]


@check("3.1", points=1, category="correctness", requires=NORMALIZATION)
def check_grad_normalization_without_autograd(ctx: CheckContext) -> None:
    _without_autograd(ctx, "grad_normalization")


# ---------------------------------------------------------------------------------------------
# 3.3 the proposed scheduler


@check("3.3", points=2, category="behaviour")
def check_scheduler_is_not_constant(ctx: CheckContext) -> None:
    """Every param group's rate changes over the planned total_steps; the curve goes into the report."""
    for total, lrs in ((100, (0.1,)), (12, (0.1, 0.003))):
        rates, call = _scheduled_rates(ctx, total, lrs, int(1.5 * total), runs=2)
        if total == 100:
            ctx.attach_figure(
                Text(
                    en=f"Learning rate of the proposed scheduler (total_steps={total}, base rate 0.1)",
                    pt=f"Taxa de aprendizado do scheduler proposto (total_steps={total}, taxa base 0.1)",
                ),
                curves(range(len(rates)), {"ProposedScheduler": rates[:, 0]}, xlabel="steps"),
            )
        for group in range(len(lrs)):
            planned = rates[: total + 1, group]
            expect(
                _varies(planned),
                en="{call}: over {total} steps the learning rate of param group {group} only ranges from {low:.6g} to {high:.6g}; a scheduler must change the rate of every group (by more than 1% of its largest value).",
                pt="{call}: em {total} passos a taxa de aprendizado do grupo de parâmetros {group} só varia de {low:.6g} a {high:.6g}; um scheduler deve mudar a taxa de todo grupo (em mais de 1% do seu maior valor).",
                call=call,
                total=total,
                group=group,
                low=float(np.min(planned)),
                high=float(np.max(planned)),
            )


@check("3.3", points=1, category="correctness", requires=check_scheduler_is_not_constant)
def check_scheduler_subclasses_lr_scheduler(ctx: CheckContext) -> None:
    optimizer = ctx.student.put(torch.optim.SGD([torch.nn.Parameter(torch.zeros(2))], lr=0.1))
    scheduler = ctx.student.ProposedScheduler(optimizer, 20)
    expect(
        scheduler.isinstance_of("torch.optim.lr_scheduler:LRScheduler"),
        en="{call} is a {got}; it should be a subclass of torch.optim.lr_scheduler.LRScheduler (so that it works with torch's training loops and checkpoints).",
        pt="{call} é um {got}; deveria ser subclasse de torch.optim.lr_scheduler.LRScheduler (para funcionar com os laços de treino e checkpoints do torch).",
        call="ProposedScheduler(SGD(lr=0.1), total_steps=20)",
        got=scheduler.type_name,
    )


@check("3.3", points=1, category="correctness", requires=check_scheduler_is_not_constant)
def check_scheduler_groups_follow_their_own_rates(ctx: CheckContext) -> None:
    """Each group's rate follows from its own initial rate: swapping the groups swaps the rates."""
    rates, call = _scheduled_rates(ctx, 30, (0.1, 0.003), 60)
    swapped, swapped_call = _scheduled_rates(ctx, 30, (0.003, 0.1), 60)
    close = np.isclose(swapped[:, ::-1], rates, rtol=1e-9, atol=0.0)
    if not close.all():
        step, group = (int(i) for i in np.argwhere(~close)[0])
        fail(
            en="After {step} steps, {call} gives lr={want:.6g} to the group whose initial rate is {base:g}, but {swapped} (the same groups in the other order) gives it lr={got:.6g}. Compute each group's rate from its own initial rate (self.base_lrs[i]) and the step.",
            pt="Após {step} passos, {call} dá lr={want:.6g} ao grupo cuja taxa inicial é {base:g}, mas {swapped} (os mesmos grupos na outra ordem) dá a ele lr={got:.6g}. Calcule a taxa de cada grupo a partir da sua própria taxa inicial (self.base_lrs[i]) e do passo.",
            step=step,
            call=call,
            swapped=swapped_call,
            base=(0.1, 0.003)[group],
            want=float(rates[step, group]),
            got=float(swapped[step, 1 - group]),
        )


@check("3.3", points=2, category="stability", requires=check_scheduler_is_not_constant)
def check_scheduler_rates_finite_and_positive(ctx: CheckContext) -> None:
    """One and two param groups; three times as many steps as planned; also total_steps = 1."""
    for total, lrs in ((100, (0.1, 1e-3)), (7, (0.5,)), (1, (0.05, 2.0))):
        rates, call = _scheduled_rates(ctx, total, lrs, max(3 * total, 20))
        _expect_positive(rates, call)


@check("3.3", points=2, category="correctness", requires=check_scheduler_is_not_constant)
def check_scheduler_state_dict_round_trip(ctx: CheckContext) -> None:
    """Checkpoint after k steps, for every k of the planned horizon and beyond, then resume in a
    fresh optimizer + scheduler: the same rates follow."""
    total, after, lrs = 20, 25, (0.1, 0.02)
    call = f"ProposedScheduler(SGD with param-group rates {list(lrs)}, total_steps={total})"
    doing = Text(
        en=f"{call}: saving optimizer.state_dict() and scheduler.state_dict() after k steps and loading them into a fresh SGD and a fresh ProposedScheduler",
        pt=f"{call}: salvando optimizer.state_dict() e scheduler.state_dict() após k passos e carregando-os num SGD novo e num ProposedScheduler novo",
    )
    probe = probes.resume_after_each_checkpoint
    runs = _probe(
        ctx, probe, "ProposedScheduler", doing, list(lrs), total, list(range(total + 3)), after
    )
    for before, curve in enumerate(runs):
        original = np.asarray(curve["original"], dtype=np.float64)
        resumed = np.asarray(curve["resumed"], dtype=np.float64)
        close = np.isclose(resumed, original, rtol=1e-9, atol=0.0)
        if not close.all():
            step, group = (int(i) for i in np.argwhere(~close)[0])
            fail(
                en="{call}: after {before} steps we saved optimizer.state_dict() and scheduler.state_dict() and loaded them into a fresh SGD and a fresh ProposedScheduler. At step {step} after resuming, the original gives lr={want:.6g} to param group {group}, the resumed one lr={got:.6g}. All the scheduler's state must live in instance attributes (they go into state_dict()), not in globals, class attributes or random draws.",
                pt="{call}: após {before} passos salvamos optimizer.state_dict() e scheduler.state_dict() e os carregamos num SGD novo e num ProposedScheduler novo. No passo {step} após a retomada, o original dá lr={want:.6g} ao grupo de parâmetros {group}, o retomado lr={got:.6g}. Todo o estado do scheduler deve ficar em atributos da instância (eles entram no state_dict()), não em variáveis globais, atributos de classe ou sorteios.",
                call=call,
                before=before,
                step=step,
                group=group,
                want=float(original[step, group]),
                got=float(resumed[step, group]),
            )


# ---------------------------------------------------------------------------------------------
# 3.4 the proposed activation


def _activation(ctx: CheckContext):
    activation = ctx.student.ProposedActivation()
    activation.call_method("eval")
    return activation


def _forward(activation, x: torch.Tensor, what: str) -> np.ndarray:
    return expect_shape(activation(x), tuple(x.shape), what=f"activation({what})")


GRID = np.linspace(-6.0, 6.0, 481)
AFFINE_BASIS, _ = np.linalg.qr(np.column_stack([GRID, np.ones_like(GRID)]))


def _affine_residual(values: np.ndarray) -> np.ndarray:
    """values (last axis on GRID) minus their least-squares fit a * x + c (the nonlinear part)."""
    return values - (values @ AFFINE_BASIS) @ AFFINE_BASIS.T


def _activation_on_grid(ctx: CheckContext) -> np.ndarray:
    """phi on GRID (float32); not assessed unless the grid read backwards gives the same values."""
    activation = _activation(ctx)
    grid = torch.as_tensor(GRID, dtype=torch.float32)
    values = _forward(activation, grid, "a grid of 481 points in [-6, 6]")
    backwards = _forward(activation, grid.flip(0), "the same grid reversed")[::-1]
    expect(
        bool(np.all(np.isfinite(values))),
        en="ProposedActivation() is not finite on [-6, 6].",
        pt="ProposedActivation() não é finita em [-6, 6].",
    )
    assess_only_if(
        bool(np.allclose(values, backwards, rtol=1e-5, atol=1e-6)),
        en="ProposedActivation() gives different outputs for the same input values (a grid on [-6, 6], then the same grid reversed); the shape of phi is not assessed for an output that is not a function of the input.",
        pt="ProposedActivation() dá saídas diferentes para os mesmos valores de entrada (uma grade em [-6, 6] e a mesma grade invertida); a forma de phi não é avaliada para uma saída que não é função da entrada.",
    )
    return values.astype(np.float64)


@check("3.4", points=1, category="correctness")
def check_activation_is_nonlinear(ctx: CheckContext) -> None:
    values = _activation_on_grid(ctx)
    spread = float(np.sqrt(np.mean((values - values.mean()) ** 2)))
    relative = float(np.sqrt(np.mean(_affine_residual(values) ** 2))) / spread if spread else 0.0
    expect(
        spread > 0 and relative > 1e-3,
        en="ProposedActivation() is (numerically) an affine function a*x + c on [-6, 6] (distance to the best affine fit: {rel:.2g} of its spread; more than 0.001 is required); a network of linear layers with affine activations is still linear.",
        pt="ProposedActivation() é (numericamente) uma função afim a*x + c em [-6, 6] (distância ao melhor ajuste afim: {rel:.2g} da sua variação; é preciso mais de 0.001); uma rede de camadas lineares com ativações afins continua linear.",
        rel=relative,
    )


def _builtin_activations() -> dict[str, object]:
    import torch.nn.functional as F

    names = "relu gelu tanh sigmoid silu elu softplus mish selu celu hardtanh hardswish hardsigmoid"
    names += " relu6 softsign logsigmoid tanhshrink softshrink hardshrink"
    functions = {name: getattr(F, name) for name in names.split()}
    functions["leaky_relu"] = lambda x: F.leaky_relu(x, 0.01)
    functions["gelu(approximate='tanh')"] = lambda x: F.gelu(x, approximate="tanh")
    return functions


BUILTIN_TOLERANCE = 1e-4
NELDER_MEAD = {"maxiter": 150, "xatol": 1e-6, "fatol": 1e-12}


def _closest_builtin(values: np.ndarray) -> tuple[float, str, float, float]:
    """(relative residual, name, beta, shift) of the best fit alpha*g(beta*x + shift) + a*x + c.

    The residual is relative to the nonlinear part of ``values``; below BUILTIN_TOLERANCE the
    function is a built-in activation up to affine maps of its input and output (plus a linear term,
    which makes leaky_relu a relu, say).
    """
    from scipy.optimize import minimize

    target = _affine_residual(values)
    norm = float(target @ target)
    if not (np.isfinite(norm) and norm > 0):  # affine or non-finite: no built-in explains it
        return 1.0, "", 1.0, 0.0
    grid = torch.as_tensor(GRID, dtype=torch.float64)
    betas, shifts = np.meshgrid(np.geomspace(1 / 8, 8, 19), np.linspace(-3, 3, 13), indexing="ij")
    betas, shifts = betas.ravel(), shifts.ravel()

    def residual(G: np.ndarray) -> np.ndarray:
        Gp = _affine_residual(np.atleast_2d(G))
        size = np.einsum("ij,ij->i", Gp, Gp)
        dot = Gp @ target
        explained = np.where(size > 1e-300, dot**2 / np.maximum(size, 1e-300), 0.0)
        return np.sqrt(np.maximum(norm - explained, 0.0) / norm)

    best = (np.inf, "", 1.0, 0.0)
    for name, function in _builtin_activations().items():
        with torch.no_grad():
            G = function(
                torch.as_tensor(betas)[:, None] * grid[None, :] + torch.as_tensor(shifts)[:, None]
            )
        scores = residual(G.numpy())
        i = int(np.nanargmin(scores))
        found = (float(scores[i]), name, float(betas[i]), float(shifts[i]))
        if found[0] < 0.02:  # close: refine beta and shift continuously

            def objective(p, function=function):
                with torch.no_grad():
                    g = function(math.exp(p[0]) * grid + p[1]).numpy()
                return float(residual(g)[0])

            start = [math.log(found[2]), found[3]]
            result = minimize(objective, start, method="Nelder-Mead", options=NELDER_MEAD)
            if result.fun < found[0]:
                found = (float(result.fun), name, math.exp(result.x[0]), float(result.x[1]))
        if found[0] < best[0]:
            best = found
    return best


@check("3.4", points=2, category="correctness", requires=check_activation_is_nonlinear)
def check_activation_is_not_builtin(ctx: CheckContext) -> None:
    """Not a ready-made activation, even after affine maps of input and output (grid on [-6, 6])."""
    values = _activation_on_grid(ctx)
    distance, name, beta, shift = _closest_builtin(values)
    with torch.no_grad():
        g = _builtin_activations()[name](beta * torch.as_tensor(GRID) + shift).numpy()
    design = np.column_stack([g, GRID, np.ones_like(GRID)])
    fit = design @ np.linalg.lstsq(design, values, rcond=None)[0]
    ctx.attach_figure(
        Text(
            en="The proposed activation and the closest built-in activation",
            pt="A ativação proposta e a ativação pronta mais próxima",
        ),
        curves(GRID, {"ProposedActivation": values, f"closest built-in: {name}": fit}, xlabel="x"),
    )
    expect(
        distance > BUILTIN_TOLERANCE,
        en="ProposedActivation() is numerically torch's {name}: on [-6, 6] it equals alpha*{name}({beta:.3g}*x + {shift:.3g}) + a*x + c up to {distance:.1e} (relative; more than {tolerance:g} is required). Propose a function of your own.",
        pt="ProposedActivation() é numericamente a {name} do torch: em [-6, 6] ela é igual a alpha*{name}({beta:.3g}*x + {shift:.3g}) + a*x + c a menos de {distance:.1e} (relativo; é preciso mais de {tolerance:g}). Proponha uma função sua.",
        name=name,
        beta=beta,
        shift=shift,
        distance=distance,
        tolerance=BUILTIN_TOLERANCE,
    )


@check("3.4", points=1, category="shape", requires=check_activation_is_nonlinear)
def check_activation_shape_and_dtype(ctx: CheckContext) -> None:
    activation = _activation(ctx)
    shapes = ((), (1,), (7,), (2, 3, 4), (0, 3), (2, 1, 3, 2))
    for dtype, shape in itertools.product(DTYPES, shapes):
        out = activation(torch.as_tensor(ctx.rng.normal(size=shape)).to(DTYPES[dtype]))
        expect(
            isinstance(out, torch.Tensor)
            and tuple(out.shape) == shape
            and out.dtype == DTYPES[dtype],
            en="ProposedActivation()(x) for x of shape {shape} ({dtype}) returned {got}; expected a {dtype} tensor of the same shape.",
            pt="ProposedActivation()(x) para x de forma {shape} ({dtype}) retornou {got}; esperado um tensor {dtype} da mesma forma.",
            shape=shape,
            dtype=dtype,
            got=describe(out, show_values=False),
        )


@check("3.4", points=1, category="correctness", requires=check_activation_is_nonlinear)
def check_activation_is_elementwise(ctx: CheckContext) -> None:
    """Perturbing input j changes output j only (no mixing across a row or across the batch)."""
    activation, n = _activation(ctx), 12
    for dtype in DTYPES:
        x = torch.as_tensor(ctx.rng.uniform(-3, 3, size=n)).to(DTYPES[dtype])
        base = _forward(activation, x[None, :], f"one sample x of shape (1, 12), {dtype}")[0]
        batch = x[None, :].repeat(n, 1) + 0.5 * torch.eye(n, dtype=DTYPES[dtype])
        out = _forward(activation, batch, f"a batch of shape (12, 12), {dtype}")
        moved = ~np.eye(n, dtype=bool) & ~np.isclose(out, base[None, :], rtol=1e-5, atol=1e-6)
        if moved.any():
            row, col = (int(i) for i in np.argwhere(moved)[0])
            fail(
                en="Not elementwise ({dtype}): in a batch whose row {row} equals x except that entry {row} is raised by 0.5, output entry {col} became {got:.6g} instead of {want:.6g} (its value for x alone). Output i must depend on input i only.",
                pt="Não é elemento a elemento ({dtype}): num lote cuja linha {row} é igual a x exceto pela entrada {row}, aumentada em 0.5, a saída na entrada {col} virou {got:.6g} em vez de {want:.6g} (seu valor para x sozinho). A saída i deve depender só da entrada i.",
                dtype=dtype,
                row=row,
                col=col,
                got=float(out[row, col]),
                want=float(base[col]),
            )


@check("3.4", points=1, category="correctness", requires=check_activation_is_nonlinear)
def check_activation_same_function_everywhere(ctx: CheckContext) -> None:
    """Shuffling and reshaping the input shuffles and reshapes the output: one function phi."""
    activation = _activation(ctx)
    for dtype in DTYPES:
        x = torch.as_tensor(ctx.rng.uniform(-4, 4, size=(6, 7))).to(DTYPES[dtype])
        out = _forward(activation, x, f"x of shape (6, 7), {dtype}").ravel()
        perm = ctx.rng.permutation(42)
        shuffled = _forward(
            activation,
            x.reshape(-1)[torch.as_tensor(perm)].reshape(3, 14),
            f"the same 42 values shuffled into shape (3, 14), {dtype}",
        ).ravel()
        moved = ~np.isclose(shuffled, out[perm], rtol=1e-5, atol=1e-6)
        if moved.any():
            i = int(np.argmax(moved))
            fail(
                en="The same input value {value:.6g} gives {a:.6g} at one position and {b:.6g} at another (x of shape (6, 7) versus its values shuffled into shape (3, 14), {dtype}); an activation applies the same function at every position.",
                pt="O mesmo valor de entrada {value:.6g} dá {a:.6g} numa posição e {b:.6g} em outra (x de forma (6, 7) contra seus valores embaralhados na forma (3, 14), {dtype}); uma ativação aplica a mesma função em toda posição.",
                value=float(x.reshape(-1)[int(perm[i])]),
                a=float(out[perm][i]),
                b=float(shuffled[i]),
                dtype=dtype,
            )


@check("3.4", points=1, category="correctness", requires=check_activation_is_nonlinear)
def check_activation_deterministic_in_eval(ctx: CheckContext) -> None:
    activation = _activation(ctx)
    for dtype in DTYPES.values():
        expect_deterministic(activation, torch.as_tensor(ctx.rng.normal(size=(5, 8))).to(dtype))


EXTREME_INPUTS = [0.0, 1e-45, -1e-45, 1e-40, -1e-40, 1e-30, -1e-30, 1.0, -1.0, 30.0, -30.0,
                  100.0, -100.0, 1e4, -1e4, 1e30, -1e30]  # fmt: skip


@check("3.4", points=2, category="stability", requires=check_activation_is_nonlinear)
def check_activation_finite_on_extreme_inputs(ctx: CheckContext) -> None:
    what = "x = [0, ±1e-45 (subnormal), ±1e-40, ±1e-30, ±1, ±30, ±100, ±1e4, ±1e30] in float32"
    x = torch.tensor(EXTREME_INPUTS, dtype=torch.float32)
    doing = Text.same(f"ProposedActivation()({what})")
    report = _probe(ctx, probes.value_and_grad, "ProposedActivation", doing, _activation(ctx), x)
    expect(
        report["error"] is None,
        en="Taking the gradient of ProposedActivation()(x).sum() for {what} failed: {error}.",
        pt="Calcular o gradiente de ProposedActivation()(x).sum() para {what} falhou: {error}.",
        what=what,
        error=report["error"],
    )
    value = expect_shape(report["value"], (len(x),), what="phi(x)", context=doing)
    grad = expect_shape(report["grad"], (len(x),), what="phi'(x)", context=doing)
    bad = ~(np.isfinite(value) & np.isfinite(grad))
    expect(
        not bad.any(),
        en="ProposedActivation(): at x = {x} (float32) the values are {value} and the gradients {grad}; values and gradients must stay finite on extreme inputs (use numerically stable formulas).",
        pt="ProposedActivation(): em x = {x} (float32) os valores são {value} e os gradientes {grad}; valores e gradientes devem ser finitos em entradas extremas (use fórmulas numericamente estáveis).",
        x=[EXTREME_INPUTS[i] for i in np.flatnonzero(bad)],
        value=value[bad].tolist(),
        grad=grad[bad].tolist(),
    )


@check("3.4", points=3, category="behaviour", timeout=60)
def check_activation_mlp_beats_linear(ctx: CheckContext):
    """The judge's MLP (2 -> 32 -> 32 -> 2, the activation after each hidden layer) on circles."""
    from sklearn.datasets import make_circles
    from sklearn.linear_model import LogisticRegression

    X, y = make_circles(n_samples=600, noise=0.08, factor=0.5, random_state=3)
    X, y = X.astype(np.float32), y.astype(np.int64)
    linear = float(LogisticRegression().fit(X[:400], y[:400]).score(X[400:], y[400:]))
    chance = float(max(np.mean(y[400:]), 1 - np.mean(y[400:])))
    doing = Text(
        en="While the judge trained its MLP (Linear 2->32, activation, Linear 32->32, activation, Linear 32->2) with ProposedActivation",
        pt="Enquanto o corretor treinava seu MLP (Linear 2->32, ativação, Linear 32->32, ativação, Linear 32->2) com ProposedActivation",
    )
    train, activation = probes.train_mlp_with_activation, _activation(ctx)
    data = torch.from_numpy(X[:400]), torch.from_numpy(y[:400])
    model = _probe(ctx, train, "ProposedActivation", doing, activation, *data, seed=0)
    logits = expect_shape(model(torch.from_numpy(X[400:])), (200, 2), what="the MLP's logits")
    return accuracy_partial(
        float((np.argmax(logits, axis=1) == y[400:]).mean()),
        full=0.9,
        zero=max(linear, chance),
        what=Text(
            en=f"The test accuracy of the judge's MLP (Adam, 300 full-batch steps) with ProposedActivation on concentric circles (logistic regression: {linear:.3f}, chance: {chance:.3f})",
            pt=f"A acurácia de teste do MLP do corretor (Adam, 300 passos com o lote inteiro) com ProposedActivation em círculos concêntricos (regressão logística: {linear:.3f}, acaso: {chance:.3f})",
        ),
        context=None,
    )


# ---------------------------------------------------------------------------------------------
# 3.5 the proposed loss

#: (seed, n, k, dtype, whether the targets cover every class): one sample and several, both dtypes
LOSS_CASES = [(0, 6, 4, "float32", True), (1, 6, 4, "float64", False), (2, 1, 3, "float32", False),
              (3, 1, 5, "float64", False), (4, 9, 3, "float64", True), (5, 10, 10, "float32", True)]  # fmt: skip


def _loss_case(seed: int, n: int, k: int, dtype: str, cover: bool):
    """Random logits (n, k) and targets; without ``cover`` the last class is never a target."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(0, 1.5, size=(n, k))
    target = rng.permutation(np.resize(np.arange(k), n)) if cover else rng.integers(0, k - 1, n)
    return torch.as_tensor(logits).to(DTYPES[dtype]), torch.as_tensor(target, dtype=torch.int64)


def _case_text(case: tuple) -> str:
    _, n, k, dtype, cover = case
    return f"logits of shape ({n}, {k}) in {dtype}, targets covering {'' if cover else 'not '}every class"


STEPS = np.linspace(0.0, 8.0, 9)


def _loss_along(loss, case: tuple, wrong: bool) -> np.ndarray:
    """The loss as the true logit (or a wrong one) of every sample is raised by t in STEPS."""
    logits, target = _loss_case(*case)
    n, k = logits.shape
    # start with the correct class below the best wrong one, so every sensible loss is active
    logits[torch.arange(n), target] = logits.max(dim=1).values - 1.0
    onehot = torch.nn.functional.one_hot((target + 1) % k if wrong else target, k)
    return np.asarray([float(loss(logits + t * onehot.to(logits.dtype), target)) for t in STEPS])


MONOTONE = {
    False: Text(
        en="{case}: raising the correct class's logit of every sample by t = {steps} gives losses {values}; the loss must go down (never up) as the correct logit grows.",
        pt="{case}: aumentar o logit da classe correta de cada amostra em t = {steps} dá os erros {values}; o erro deve diminuir (nunca aumentar) quando o logit correto cresce.",
    ),
    True: Text(
        en="{case}: raising a wrong class's logit of every sample by t = {steps} gives losses {values}; the loss must go up (never down) as a wrong logit grows: it has to use the target.",
        pt="{case}: aumentar o logit de uma classe errada de cada amostra em t = {steps} dá os erros {values}; o erro deve aumentar (nunca diminuir) quando um logit errado cresce: ele precisa usar o target.",
    ),
}


def _loss_monotone(ctx: CheckContext, wrong: bool) -> None:
    """Down as the true logit grows (up as a wrong one grows), on every case of LOSS_CASES."""
    _loss_prefers_target(ctx, torch.as_tensor(ctx.rng.normal(0, 2, size=(8, 5))).float())
    sign = 1.0 if wrong else -1.0  # the direction the loss must take
    for index, case in enumerate(LOSS_CASES):
        values = _loss_along(ctx.student.proposed_loss, case, wrong)
        if index == 0 and not wrong:
            entropy = _loss_along(torch.nn.functional.cross_entropy, case, wrong)
            ctx.attach_figure(
                Text(
                    en="The proposed loss as the correct-class logits grow by t",
                    pt="O erro proposto quando os logits da classe correta crescem t",
                ),
                curves(STEPS, {"proposed_loss": values, "cross-entropy": entropy}, xlabel="t"),
            )
        against = sign * np.diff(values) < -1e-6 * max(1.0, float(np.abs(values).max()))
        expect(
            np.all(np.isfinite(values))
            and not against.any()
            and sign * (values[-1] - values[0]) > 0,
            MONOTONE[wrong],
            case=_case_text(case),
            steps=STEPS.tolist(),
            values=np.round(values, 5).tolist(),
        )


@check("3.5", points=2, category="correctness")
def check_loss_decreases_with_true_logit(ctx: CheckContext) -> None:
    _loss_monotone(ctx, wrong=False)


@check("3.5", points=1, category="correctness")
def check_loss_increases_with_wrong_logit(ctx: CheckContext) -> None:
    _loss_monotone(ctx, wrong=True)


@check("3.5", points=1, category="shape", requires=check_loss_decreases_with_true_logit)
def check_loss_is_scalar(ctx: CheckContext) -> None:
    for case in LOSS_CASES:
        loss = ctx.student.proposed_loss(*_loss_case(*case))
        expect(
            isinstance(loss, torch.Tensor) and loss.dim() == 0 and loss.is_floating_point(),
            en="proposed_loss({case}) returned {got}; expected a 0-d floating-point tensor.",
            pt="proposed_loss({case}) retornou {got}; esperado um tensor 0-d de ponto flutuante.",
            case=_case_text(case),
            got=describe(loss),
        )


def _loss_gradient(ctx: CheckContext, logits: torch.Tensor, target: torch.Tensor, call: str):
    """(loss, gradient w.r.t. the logits) as arrays, or a failure that says why there is none."""
    doing = Text(
        en=f"{call}: computing the loss and its gradient w.r.t. the logits",
        pt=f"{call}: calculando o erro e seu gradiente em relação aos logits",
    )
    report = _probe(
        ctx, probes.LossGradient("proposed_loss"), "proposed_loss", doing, logits, target
    )
    expect(
        report["error"] is None,
        en="{call}: the gradient w.r.t. the logits could not be computed: {error}. The loss must be built from differentiable torch operations on the logits (no .item(), .numpy(), .detach() or torch.tensor(...) on the way).",
        pt="{call}: o gradiente em relação aos logits não pôde ser calculado: {error}. O erro deve ser feito de operações diferenciáveis do torch sobre os logits (sem .item(), .numpy(), .detach() ou torch.tensor(...) no caminho).",
        call=call,
        error=report["error"],
    )
    grad = expect_shape(report["grad"], tuple(logits.shape), what="the gradient", context=call)
    return expect_shape(report["loss"], (), what="the loss", context=call), grad


@check("3.5", points=2, category="correctness", requires=check_loss_decreases_with_true_logit)
def check_loss_gradient_finite_and_nonzero(ctx: CheckContext) -> None:
    for case in LOSS_CASES:
        call = f"proposed_loss({_case_text(case)})"
        _, grad = _loss_gradient(ctx, *_loss_case(*case), call)
        expect(
            bool(np.all(np.isfinite(grad))) and float(np.abs(grad).max(initial=0.0)) > 1e-8,
            en="{call}: the gradient w.r.t. the logits is {got}; it must be finite and not zero, or training cannot move.",
            pt="{call}: o gradiente em relação aos logits é {got}; ele deve ser finito e não nulo, senão o treino não sai do lugar.",
            call=call,
            got=describe(grad),
        )


EXTREME_LOGITS = [
    ("±1e4", [[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0], [0.0, 0.0, 1e4]], [0, 0, 1]),
    ("±1e30", [[1e30, -1e30, 0.0], [-1e30, 1e30, 0.0], [1e30, 1e30, -1e30]], [0, 0, 2]),
    ("equal huge logits", [[1e30, 1e30, 1e30], [-1e30, -1e30, -1e30], [1e4, 1e4, 1e4]], [0, 1, 2]),
    ("subnormal logits", [[1e-45, -1e-45, 0.0], [1e-40, 0.0, -1e-40], [0.0, 0.0, 0.0]], [0, 1, 2]),
    ("one sample, ±1e30", [[-1e30, 1e30, 0.0]], [0]),
]


@check("3.5", points=2, category="stability", requires=check_loss_decreases_with_true_logit)
def check_loss_finite_on_extreme_logits(ctx: CheckContext) -> None:
    for (name, logits, target), dtype in itertools.product(EXTREME_LOGITS, DTYPES):
        call = f"proposed_loss(logits={logits}, target={target}) [{name}, {dtype}]"
        logits_t = torch.tensor(logits, dtype=DTYPES[dtype])
        loss, grad = _loss_gradient(ctx, logits_t, torch.tensor(target), call)
        expect(
            bool(np.isfinite(loss)) and bool(np.all(np.isfinite(grad))),
            en="{call}: the loss is {got} and its gradient w.r.t. the logits holds {bad}; both must stay finite on extreme logits (compute the loss with log-sum-exp / log_softmax style formulas).",
            pt="{call}: o erro é {got} e seu gradiente em relação aos logits tem {bad}; ambos devem ser finitos em logits extremos (calcule o erro com fórmulas do tipo log-sum-exp / log_softmax).",
            call=call,
            got=float(loss),
            bad=sorted({str(v) for v in grad[~np.isfinite(grad)].tolist()}) or "only finite values",
        )


@check("3.5", points=3, category="behaviour", timeout=60)
def check_loss_trains_classifier(ctx: CheckContext):
    """The judge trains a linear classifier on digits with the proposed loss and measures it."""
    data = digits()
    doing = Text(
        en="While the judge trained nn.Linear(64, 10) on digits with proposed_loss",
        pt="Enquanto o corretor treinava nn.Linear(64, 10) nos dígitos com proposed_loss",
    )
    X, y = torch.as_tensor(np.array(data.X_train)), torch.as_tensor(np.array(data.y_train))
    model = _probe(ctx, probes.TrainWithLoss("proposed_loss"), "proposed_loss", doing, X, y, seed=0)
    logits = expect_shape(
        model(torch.as_tensor(np.array(data.X_test))), (len(data.y_test), 10), what="logits"
    )
    return accuracy_partial(
        float((np.argmax(logits, axis=1) == data.y_test).mean()),
        full=0.8,
        zero=0.1,
        what=Text(
            en="The test accuracy of nn.Linear(64, 10) trained by the judge on the digits with proposed_loss (Adam lr=0.05, 150 full-batch steps; chance is 0.10)",
            pt="A acurácia de teste de nn.Linear(64, 10) treinada pelo corretor nos dígitos com proposed_loss (Adam lr=0.05, 150 passos com o lote inteiro; o acaso é 0.10)",
        ),
        context=None,
    )


# ---------------------------------------------------------------------------------------------
# 3.6 grid search and performance prediction

#: 3, 4, 3 (one with a single value), 1 and 5 axes
SPACES = [
    {"optimizer": ["sgd", "momentum", "adam"], "init": ["xavier", "kaiming"], "lr": [1e-3, 0.1]},
    {"optimizer": ["sgd", "adam"], "init": ["xavier", "normal"], "lr": [0.1], "batch": [16, 128]},
    {"lr": [0.01, 0.1, 1.0], "optimizer": ["adam"], "init": ["orthogonal", "xavier"]},
    {"lr": [0.003, 0.03, 0.3]},
]
SPACES.append({**SPACES[0], "batch_size": [32, 64], "weight_decay": [0.0, 1e-4]})


def _grid_searches(ctx: CheckContext):
    """For every space: (results, the recording evaluate, its table of scores, the call)."""
    for i, space in enumerate(SPACES):
        rng = np.random.default_rng(i)
        table = {
            probes.config_key(c): float(np.round(rng.uniform(0, 1), 6)) for c in _product(space)
        }
        evaluate = ctx.student.put(probes.RecordingEvaluate(table))
        results = ctx.student.grid_search({k: list(v) for k, v in space.items()}, evaluate)
        shape = " x ".join(str(len(v)) for v in space.values())
        yield results, evaluate, table, f"grid_search({space}, evaluate) [a {shape} space]"


@check("3.6", points=2, category="correctness")
def check_grid_search_covers_full_product(ctx: CheckContext) -> None:
    for results, _, table, call in _grid_searches(ctx):
        keys = [probes.config_key(row["config"]) for row in results]
        missing, extra = sorted(set(table) - set(keys)), sorted(set(keys) - set(table))
        expect(
            not missing and not extra and len(keys) == len(table),
            en="{call}: expected {n} results, one per combination of the product; got {got} results, {missing} combination(s) missing (e.g. {example}) and {extra} unexpected.",
            pt="{call}: esperados {n} resultados, um por combinação do produto; obtidos {got} resultados, {missing} combinação(ões) faltando (por exemplo {example}) e {extra} inesperada(s).",
            call=call,
            n=len(table),
            got=len(keys),
            missing=len(missing),
            example=_show_key(missing[0]) if missing else "-",
            extra=len(extra),
        )


@check("3.6", points=2, category="correctness")
def check_grid_search_evaluates_each_config_once(ctx: CheckContext) -> None:
    for _, evaluate, table, call in _grid_searches(ctx):
        calls = list(evaluate.get("calls"))
        repeated = sorted({k for k in calls if calls.count(k) > 1})
        never = sorted(set(table) - set(calls))
        expect(
            not repeated and not never,
            en="{call}: evaluate() was called {calls} times for {n} configurations; {repeated} configuration(s) were evaluated more than once (e.g. {example_r}) and {never} never (e.g. {example_n}). Each evaluation may cost a full training run: evaluate every configuration exactly once.",
            pt="{call}: evaluate() foi chamada {calls} vezes para {n} configurações; {repeated} configuração(ões) foram avaliadas mais de uma vez (por exemplo {example_r}) e {never} nunca (por exemplo {example_n}). Cada avaliação pode custar um treino inteiro: avalie cada configuração exatamente uma vez.",
            call=call,
            calls=len(calls),
            n=len(table),
            repeated=len(repeated),
            example_r=_show_key(repeated[0]) if repeated else "-",
            never=len(never),
            example_n=_show_key(never[0]) if never else "-",
        )


@check("3.6", points=1, category="correctness", requires=check_grid_search_covers_full_product)
def check_grid_search_reports_evaluate_scores(ctx: CheckContext) -> None:
    """Each result's score is the number evaluate() returned for that configuration."""
    for results, _, table, call in _grid_searches(ctx):
        for row in results:
            key = probes.config_key(row["config"])
            expect(
                key in table
                and math.isclose(row["score"], table[key], rel_tol=1e-9, abs_tol=1e-12),
                en="{call}: the result for {config} has score {got}, but evaluate() returned {want} for it; report the score evaluate() gave.",
                pt="{call}: o resultado de {config} tem score {got}, mas evaluate() retornou {want} para ela; informe o score dado por evaluate().",
                call=call,
                config=_show_key(key),
                got=row["score"],
                want=table.get(key, "nothing (unknown configuration)"),
            )


@check("3.6", points=1, category="side-effects", requires=check_grid_search_covers_full_product)
def check_grid_search_leaves_space_unchanged(ctx: CheckContext) -> None:
    for space in SPACES:
        table = {probes.config_key(c): 0.5 for c in _product(space)}
        evaluate = ctx.student.put(probes.RecordingEvaluate(table))
        expect_inputs_untouched(
            ctx.student.grid_search, {k: list(v) for k, v in space.items()}, evaluate
        )


def _surface(seed: int, extra_axis: bool):
    """A smooth synthetic score over (optimizer, init, lr[, batch_size]); train / held-out parts."""
    rng = np.random.default_rng(seed)
    optimizers, inits = ["sgd", "momentum", "adam"], ["xavier", "kaiming", "normal"]
    lrs = [float(v) for v in np.geomspace(1e-4, 1.0, 9)]
    offset_opt = dict(zip(optimizers, rng.uniform(-0.1, 0.1, 3)))
    offset_init = dict(zip(inits, rng.uniform(-0.1, 0.1, 3)))
    best_log_lr = dict(zip(optimizers, rng.uniform(-3.5, -0.5, 3)))
    batch_slope = float(rng.uniform(-0.03, 0.03))

    def score(c: dict) -> float:
        lr = math.log10(c["lr"]) - best_log_lr[c["optimizer"]]
        value = 0.7 + offset_opt[c["optimizer"]] + offset_init[c["init"]] - 0.03 * lr**2
        return float(value + (batch_slope * math.log2(c["batch_size"] / 16) if extra_axis else 0))

    space = {"optimizer": optimizers, "init": inits, "lr": lrs}
    if extra_axis:
        space["batch_size"] = [16, 32, 64, 128]
    configs = _product(space)
    seen = [c for c in configs if lrs.index(c["lr"]) % 2 == 0]
    unseen = [c for c in configs if lrs.index(c["lr"]) % 2 == 1]
    order = rng.permutation(len(seen))
    held = [seen[i] for i in order[:6]]
    seen = [seen[i] for i in order[6:]]
    train = [{"config": c, "score": score(c)} for c in seen]
    test = [(c, score(c)) for c in unseen + held]
    return train, test


SURFACES = ((2, False), (5, True))


def _predict(predictor, config: dict, strict: bool = False) -> float:
    """predict(config) as a float; unless ``strict``, a one-element array or tensor is read too."""
    value = got = predictor(config)
    if not strict and isinstance(got, torch.Tensor | np.ndarray):
        array = as_array(got)
        value = array.reshape(()).item() if array.size == 1 and array.dtype.kind in "iuf" else got
    expect(
        isinstance(value, int | float | np.integer | np.floating)
        and not isinstance(value, bool)
        and math.isfinite(value),
        en="predict({config}) should return a finite number (a float), got {got}.",
        pt="predict({config}) deveria retornar um número finito (um float), obteve {got}.",
        config=config,
        got=describe(got),
    )
    return float(value)


@check("3.6", points=3, category="behaviour")
def check_predictor_beats_mean_on_unseen_configs(ctx: CheckContext) -> None:
    """On held-out configurations (unseen learning rates, unseen combinations) of a smooth surface."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 3.5))
    outcomes = []
    for panel, (seed, extra) in enumerate(SURFACES):
        train, test = _surface(seed, extra)
        predictor = ctx.student.fit_performance_predictor(train)
        truth = np.array([s for _, s in test])
        predicted = np.array([_predict(predictor, dict(c)) for c, _ in test])
        mean = float(np.mean([row["score"] for row in train]))
        mse = float(np.mean((predicted - truth) ** 2))
        baseline = float(np.mean((mean - truth) ** 2))
        outcomes.append((k := len(train[0]["config"]), mse, baseline))
        axes = figure.add_subplot(1, 2, panel + 1)
        axes.scatter(truth, predicted, s=12)
        axes.plot(truth, truth, color="grey", linestyle="--")
        axes.axhline(mean, color="red", linestyle=":", label="mean of observed scores")
        axes.set(xlabel="true score (held out)", ylabel="predicted")
        axes.set_title(f"{k} hyperparameters: MSE {mse:.4f} vs {baseline:.4f}", fontsize=9)
        axes.legend(fontsize=7)
    ctx.attach_figure(
        Text(
            en="Predicted vs true score on held-out configurations",
            pt="Score previsto x verdadeiro em configurações retidas",
        ),
        figure,
    )
    for axes_count, mse, baseline in outcomes:
        expect(
            mse <= 0.75 * baseline,
            en="On a smooth synthetic surface over {k} hyperparameters, predict(config) on held-out configurations (learning rates between the observed ones, and unobserved combinations) has mean squared error {mse:.4g}, while predicting the mean observed score has {baseline:.4g}; at most {limit:.4g} (75%) is required. Encode categorical values (one-hot) and the learning rate on a log scale, then fit a regression.",
            pt="Numa superfície sintética suave sobre {k} hiperparâmetros, predict(config) nas configurações retidas (taxas de aprendizado entre as observadas e combinações não observadas) tem erro quadrático médio {mse:.4g}, enquanto prever a média dos scores observados tem {baseline:.4g}; é preciso no máximo {limit:.4g} (75%). Codifique valores categóricos (one-hot) e a taxa de aprendizado em escala log, e ajuste uma regressão.",
            k=axes_count,
            mse=mse,
            baseline=baseline,
            limit=0.75 * baseline,
        )


@check("3.6", points=1, category="shape", requires=check_predictor_beats_mean_on_unseen_configs)
def check_predictor_returns_numbers(ctx: CheckContext) -> None:
    """predict(config) is a float (not an array or a tensor) on observed and held-out configurations."""
    for seed, extra in SURFACES:
        train, test = _surface(seed, extra)
        predictor = ctx.student.fit_performance_predictor(train)
        for config in [train[0]["config"], train[5]["config"], test[0][0], test[-1][0]]:
            _predict(predictor, dict(config), strict=True)


@check(
    "3.6", points=1, category="side-effects", requires=check_predictor_beats_mean_on_unseen_configs
)
def check_predictor_leaves_results_unchanged(ctx: CheckContext) -> None:
    for seed, extra in SURFACES:
        expect_inputs_untouched(ctx.student.fit_performance_predictor, _surface(seed, extra)[0])


# END HIDDEN
