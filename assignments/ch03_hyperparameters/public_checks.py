# Public checks for ch03_hyperparameters, released by `grade release` (do not edit).
# Run them with:  grade check ch03_hyperparameters ch03_hyperparameters.py
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
