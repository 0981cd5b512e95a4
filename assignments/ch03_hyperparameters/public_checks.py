# Public checks for ch03_hyperparameters, released by `grade release` (do not edit).
# Run them with:  grade check ch03_hyperparameters ch03_hyperparameters.py
"""Grader for ch03_hyperparameters (PCS 5022, chapter 3: basic hyperparameters).

Everything that must run around the student's code (autograd switched off, gradients, training of
judge-designed models, a recording ``evaluate``) lives in ``harness/probes_ch03_hyperparameters.py``
and is shipped into the worker with ``ctx.student.put``; only plain data and handles come back, and
every verdict (gradients against autograd, accuracies, rates) is computed here.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import torch

from harness.probes import ch03_hyperparameters as probes
from harness.checks import (
    CheckContext,
    GraderSettings,
    SubmissionProblem,
    Text,
    check,
    describe,
    expect,
    expect_close,
    expect_shape,
    fail,
    rubric,
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


def _tensor(value: object, what: str, call: str) -> np.ndarray:
    """The value as a float64 array, failing clearly when it is not numeric."""
    if isinstance(value, torch.Tensor):
        return value.detach().to(torch.float64).numpy()
    if isinstance(value, np.ndarray | np.generic | float | int) and not isinstance(value, bool):
        array = np.asarray(value)
        if array.dtype.kind in "fiu":
            return array.astype(np.float64)
    fail(
        en="{call}: {what} should be a tensor, got {got}.",
        pt="{call}: {what} deveria ser um tensor, obteve {got}.",
        call=call,
        what=what,
        got=describe(value),
    )
    raise AssertionError("unreachable")


def _unpack(value: object, names: tuple[str, ...], call: str) -> list[np.ndarray]:
    if not (isinstance(value, tuple | list) and len(value) == len(names)):
        fail(
            en="{call} should return a tuple of {n} gradients ({names}), got {got}.",
            pt="{call} deveria retornar uma tupla de {n} gradientes ({names}), obteve {got}.",
            call=call,
            n=len(names),
            names=", ".join(names),
            got=describe(value),
        )
    return [_tensor(v, name, call) for v, name in zip(value, names)]  # type: ignore[arg-type]


def _expect_handle(value: object, kind: str | None, call: str, expected: Text) -> object:
    if getattr(value, "kind", None) is None or (kind is not None and value.kind != kind):  # type: ignore[attr-defined]
        fail(
            Text(
                en="{call} should give {expected}, got {got}.",
                pt="{call} deveria dar {expected}, obteve {got}.",
            ).format(call=call, expected=expected, got=describe(value))
        )
    return value


def _through_probe(
    probe: object, name: str, context: Text, *args: object, **kwargs: object
) -> object:
    """Call a judge probe that runs student code; errors are told in the student's terms."""
    try:
        return probe(*args, **kwargs)  # type: ignore[operator]
    except SubmissionProblem as problem:
        is_a = getattr(problem, "is_a", None)
        if is_a is None:  # the worker died or timed out: the harness explains it by itself
            raise
        if is_a("NotImplementedError"):
            fail(
                en="`{name}` is not implemented yet (it raised NotImplementedError).",
                pt="`{name}` ainda não foi implementada (levantou NotImplementedError).",
                name=name,
            )
        fail(context + Text.same(": ") + problem.explain())
        raise


def _rates(ctx: CheckContext, scheduler, optimizer, steps: int) -> np.ndarray:
    """Rates (steps + 1, groups) of a training loop: optimizer.step(); scheduler.step()."""
    run = ctx.student.put(probes.run_scheduler)
    context = Text(
        en=f"Running {steps} steps of optimizer.step(); scheduler.step()",
        pt=f"Executando {steps} passos de optimizer.step(); scheduler.step()",
    )
    report = _through_probe(run, "ProposedScheduler", context, scheduler, optimizer, steps)
    return np.asarray(report["lrs"], dtype=np.float64)


def _show_key(key: str) -> str:
    """A configuration key (see probes.config_key) as readable text: {init='xavier', lr=0.01}."""
    import json

    return "{" + ", ".join(f"{name}={value}" for name, value in json.loads(key)) + "}"


# ---------------------------------------------------------------------------------------------
# Public checks: small known answers, no reference needed.


@check("3.1", points=1, category="correctness", hidden=False)
def check_grad_combination_known_values(ctx: CheckContext) -> None:
    """y = 2(a - b) + c with grad_y = 1 everywhere: the gradients are 2, -2 and 1."""
    a, b, c = (torch.arange(6, dtype=torch.float64).reshape(2, 3) * s for s in (1.0, -0.5, 2.0))
    grad_y = torch.ones(2, 3, dtype=torch.float64)
    value = ctx.student.grad_combination(a, b, c, grad_y)
    call = ctx.student.last_call
    grads = _unpack(value, ("grad_a", "grad_b", "grad_c"), call)
    for got, want, name in zip(grads, (2.0, -2.0, 1.0), ("grad_a", "grad_b", "grad_c")):
        expect_close(got, np.full((2, 3), want), what=name, context=call)


@check("3.1", points=1, category="correctness", hidden=False)
def check_grad_linear_known_values(ctx: CheckContext) -> None:
    """A 2 x 2 example worked out by hand."""
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)
    w = torch.tensor([0.5, -1.0], dtype=torch.float64)
    b = torch.tensor(0.3, dtype=torch.float64)
    grad_y = torch.tensor([1.0, 2.0], dtype=torch.float64)
    value = ctx.student.grad_linear(x, w, b, grad_y)
    call = ctx.student.last_call
    grad_x, grad_w, grad_b = _unpack(value, ("grad_x", "grad_w", "grad_b"), call)
    expect_close(grad_x, [[0.5, -1.0], [1.0, -2.0]], what="grad_x", context=call)
    expect_close(grad_w, [7.0, 10.0], what="grad_w", context=call)
    expect_close(grad_b, 3.0, what="grad_b", context=call)


@check("3.3", points=1, category="correctness", hidden=False)
def check_scheduler_runs_with_optimizer(ctx: CheckContext) -> None:
    """ProposedScheduler(SGD(lr=0.1), total_steps=50) runs 50 steps with finite positive rates."""
    optimizer = ctx.student.put(
        torch.optim.SGD([torch.nn.Parameter(torch.zeros(3))], lr=0.1, momentum=0.9)
    )
    scheduler = ctx.student.ProposedScheduler(optimizer, 50)
    call = ctx.student.last_call
    _expect_handle(scheduler, None, call, Text(en="a scheduler object", pt="um objeto scheduler"))
    lrs = _rates(ctx, scheduler, optimizer, 50)
    bad = ~(np.isfinite(lrs) & (lrs > 0))
    expect(
        not bad.any(),
        en="{call}: after {step} steps the optimizer's learning rate is {value}; rates must stay finite and positive.",
        pt="{call}: após {step} passos a taxa de aprendizado do otimizador é {value}; as taxas devem ser finitas e positivas.",
        call="ProposedScheduler(SGD(lr=0.1), 50)",
        step=int(np.argwhere(bad)[0][0]) if bad.any() else 0,
        value=float(lrs[bad][0]) if bad.any() else 0.0,
    )


@check("3.4", points=1, category="shape", hidden=False)
def check_activation_preserves_shape_public(ctx: CheckContext) -> None:
    activation = ctx.student.ProposedActivation()
    call = ctx.student.last_call
    _expect_handle(activation, "module", call, Text(en="an nn.Module", pt="um nn.Module"))
    out = activation(torch.linspace(-3, 3, 12).reshape(4, 3))
    expect_shape(out, (4, 3), what="activation(x) for x of shape (4, 3)", context=call)


@check("3.5", points=1, category="shape", hidden=False)
def check_loss_returns_scalar_public(ctx: CheckContext) -> None:
    logits = torch.tensor([[2.0, 0.5, -1.0], [0.0, 1.0, 3.0], [1.0, 1.0, 1.0], [-2.0, 0.0, 2.0]])
    target = torch.tensor([0, 2, 1, 0])
    loss = ctx.student.proposed_loss(logits, target)
    call = ctx.student.last_call
    expect(
        isinstance(loss, torch.Tensor) and loss.dim() == 0,
        en="{call} should return a 0-d tensor (a scalar, e.g. a mean over the batch), got {got}.",
        pt="{call} deveria retornar um tensor 0-d (um escalar, por exemplo uma média no lote), obteve {got}.",
        call=call,
        got=describe(loss),
    )
    expect(
        bool(torch.isfinite(loss)),
        en="{call} returned {got}; the loss must be finite.",
        pt="{call} retornou {got}; o erro deve ser finito.",
        call=call,
        got=describe(loss),
    )


@check("3.6", points=1, category="correctness", hidden=False)
def check_grid_search_small_space_public(ctx: CheckContext) -> None:
    """A 2 x 2 x 2 space: eight results, one per configuration."""
    space = {"optimizer": ["sgd", "adam"], "init": ["xavier", "kaiming"], "lr": [0.01, 0.1]}
    table = {probes.config_key(config): float(i) for i, config in enumerate(_product(space))}
    evaluate = ctx.student.put(probes.RecordingEvaluate(table))
    results = ctx.student.grid_search(space, evaluate)
    call = ctx.student.last_call
    keys = _result_keys(results, call)
    expect(
        sorted(keys) == sorted(table),
        en="{call}: the results hold {got} configurations ({distinct} distinct); expected the 8 combinations of the 2 x 2 x 2 space, each once.",
        pt="{call}: os resultados têm {got} configurações ({distinct} distintas); esperadas as 8 combinações do espaço 2 x 2 x 2, cada uma uma vez.",
        call=call,
        got=len(keys),
        distinct=len(set(keys)),
    )


def _product(space: dict) -> list[dict]:
    names = list(space)
    return [dict(zip(names, values)) for values in itertools.product(*space.values())]


def _result_keys(results: object, call: str) -> list[str]:
    """The canonical key of every result's config (failing clearly on a malformed result)."""
    if not isinstance(results, list | tuple):
        fail(
            en="{call} should return a list of {{'config': ..., 'score': ...}} dicts, got {got}.",
            pt="{call} deveria retornar uma lista de dicionários {{'config': ..., 'score': ...}}, obteve {got}.",
            call=call,
            got=describe(results),
        )
    keys = []
    for row in results:  # type: ignore[union-attr]
        if not (isinstance(row, dict) and isinstance(row.get("config"), dict) and "score" in row):
            fail(
                en="{call}: every result should be a dict {{'config': dict, 'score': number}}, got {got}.",
                pt="{call}: cada resultado deveria ser um dicionário {{'config': dict, 'score': número}}, obteve {got}.",
                call=call,
                got=describe(row),
            )
        keys.append(probes.config_key(row["config"]))
    return keys
