# Public checks for ch05_regularization, released by `grade release` (do not edit).
# Run them with:  grade check ch05_regularization ch05_regularization.py
"""Grader for ch05_regularization (PCS 5022, chapter 5: regularization).

Ensembles are built from judge-made members and compared with a judge-side computation; the
training-dynamics metrics are checked through their properties (known answers, invariances,
boundary cases); BatchNorm-only training runs on a judge-built network, and the judge loads the
returned state_dict into its own copy of that network to compare parameters and measure accuracy.
"""

from __future__ import annotations

import math

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
    expect_module,
    expect_shape,
    fail,
    rubric,
)

SETTINGS = GraderSettings(call_timeout_s=30.0, submission_budget_s=300.0)

ENSEMBLE_DISCUSSION = rubric(
    "5.1",
    "ensemble_definition",
    2,
    Text(
        en="Define formally the ensemble strategy (members, how they are made different, how outputs are combined) and compare the ensemble's held-out accuracy with a single member's.",
        pt="Defina formalmente a estratégia de ensemble (membros, como ficam diferentes entre si, como as saídas são combinadas) e compare a acurácia do ensemble em dados novos com a de um único membro.",
    ),
)
CRITICAL_PERIOD_DISCUSSION = rubric(
    "5.2",
    "critical_period_discussion",
    2,
    Text(
        en="Do critical periods emerge? Interpret final accuracy against the epoch t at which augmentation is removed (variance over seeds included).",
        pt="Períodos críticos aparecem? Interprete a acurácia final em função da época t em que o aumento de dados é removido (incluindo a variação entre sementes).",
    ),
)
CRITICAL_PERIOD_END_TECHNIQUE = rubric(
    "5.3",
    "critical_period_end_technique",
    3,
    Text(
        en="(★) Propose a technique to identify the epoch at which the critical period ends from gradient confusion, gradient predictability or layer rotation with critical_period_end; justify threshold and patience and compare the detected epoch with the experiment of 5.2.",
        pt="(★) Proponha uma técnica para identificar a época em que o período crítico termina a partir da confusão do gradiente, previsibilidade do gradiente ou rotação de camadas com critical_period_end; justifique limiar e paciência e compare a época detectada com o experimento de 5.2.",
    ),
)
BATCHNORM_DISCUSSION = rubric(
    "5.4",
    "batchnorm_only_discussion",
    1,
    Text(
        en="How many parameters does BatchNorm-only training adjust, compared with the whole network, and why can it reach non-trivial accuracy?",
        pt="Quantos parâmetros o treino só da BatchNorm ajusta, comparado com a rede inteira, e por que ele consegue acurácia não trivial?",
    ),
)


def _number(value: object, call: str) -> float:
    """A real number from a float, a numpy scalar, or a 0-d array/tensor; a clear failure otherwise."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.detach().reshape(()).item()
    elif isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        fail(
            en="{call} should return a float, got {got!r}.",
            pt="{call} deveria retornar um float, obteve {got!r}.",
            call=call,
            got=value,
        )
    return float(value)  # type: ignore[arg-type]


def _members(seed: int, count: int, d_in: int, classes: int, dropout: float = 0.0) -> list:
    """Judge-built members: small MLPs made of torch built-ins only (they pickle into the worker)."""
    torch.manual_seed(seed)
    members = []
    for index in range(count):
        hidden = 5 + 3 * index
        layers: list[nn.Module] = [nn.Linear(d_in, hidden), nn.Tanh()]
        if dropout:
            layers.append(nn.Dropout(dropout))
        layers.append(nn.Linear(hidden, classes))
        member = nn.Sequential(*layers)
        with torch.no_grad():
            member[-1].weight.mul_(3.0)
        members.append(member)
    return members


@torch.no_grad()
def _mean_softmax(members: list, x: torch.Tensor) -> torch.Tensor:
    for member in members:
        member.eval()
    probabilities = [torch.softmax(member(x).double(), dim=-1) for member in members]
    return torch.stack(probabilities).mean(dim=0)


def _gaussian(seed: int, *shape: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.from_numpy(np.random.default_rng(seed).normal(size=shape)).to(dtype)


def _judge_cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    a64, b64 = a.reshape(-1).double(), b.reshape(-1).double()
    return float(a64 @ b64 / (a64.norm() * b64.norm()))


# ---------------------------------------------------------------------------------------------
# Public checks: small known answers, no reference needed.


@check("5.1", points=1, category="shape", hidden=False)
def check_ensemble_outputs_probabilities_public(ctx: CheckContext) -> None:
    """Two judge-built members: the output is (n, k) with non-negative rows summing to 1."""
    members = _members(0, 2, d_in=3, classes=4)
    ensemble = expect_module(
        ctx.student.AveragingEnsemble(members), "AveragingEnsemble([member_1, member_2])"
    )
    x = torch.linspace(-1.0, 1.0, 15).reshape(5, 3)
    call = "AveragingEnsemble([member_1, member_2])(x) for x of shape (5, 3) and 4 classes"
    out = expect_shape(ensemble(x), (5, 4), what="the output", context=call)
    expect(
        bool(np.all(out >= 0)) and np.allclose(out.sum(axis=1), 1.0, atol=1e-5),
        en="{call}: every row should be a probability vector (non-negative, summing to 1); the row sums are {sums}.",
        pt="{call}: cada linha deveria ser um vetor de probabilidades (não negativo, somando 1); as somas das linhas são {sums}.",
        call=call,
        sums=np.round(out.sum(axis=1), 6).tolist(),
    )


def _experiment(
    ctx: CheckContext, removal_epochs: list[int], epochs: int, seed: int
) -> dict[int, float]:
    result = ctx.student.critical_period_experiment(removal_epochs, epochs=epochs, seed=seed)
    call = ctx.student.last_call
    if not isinstance(result, dict):
        fail(
            en="{call} should return a dict {{t: accuracy}} with int keys, got {got}.",
            pt="{call} deveria retornar um dict {{t: acurácia}} com chaves int, obteve {got}.",
            call=call,
            got=getattr(result, "type_name", type(result).__name__),
        )
    keys = sorted(result, key=repr)
    expect(
        all(isinstance(k, int) and not isinstance(k, bool) for k in keys)
        and set(keys) == set(removal_epochs),
        en="{call} should return one entry per requested epoch, with int keys {expected}; got the keys {got}.",
        pt="{call} deveria retornar uma entrada por época pedida, com chaves int {expected}; obteve as chaves {got}.",
        call=call,
        expected=sorted(removal_epochs),
        got=[repr(k) for k in keys],
    )
    accuracies = {}
    for t in sorted(removal_epochs):
        value = _number(result[t], f"{call}[{t}]")
        expect(
            0.0 <= value <= 1.0,
            en="{call}[{t}] should be an accuracy in [0, 1], got {got!r}.",
            pt="{call}[{t}] deveria ser uma acurácia em [0, 1], obteve {got!r}.",
            call=call,
            t=t,
            got=value,
        )
        accuracies[t] = value
    return accuracies


@check("5.2", points=1, category="shape", hidden=False, timeout=60.0)
def check_critical_period_experiment_structure_public(ctx: CheckContext) -> None:
    _experiment(ctx, [0, 2], epochs=2, seed=0)


@check("5.3", points=1, category="correctness", hidden=False)
def check_gradient_confusion_small_example(ctx: CheckContext) -> None:
    g_a = torch.tensor([1.0, 0.0, 0.0])
    g_b = torch.tensor([1.0, 1.0, 0.0])
    value = _number(ctx.student.gradient_confusion(g_a, g_b), ctx.student.last_call)
    expect(
        abs(value - 1 / math.sqrt(2)) < 1e-6,
        en="{call} should be cos(45°) = 0.707107, got {got:.6g}.",
        pt="{call} deveria ser cos(45°) = 0.707107, obteve {got:.6g}.",
        call=ctx.student.last_call,
        got=value,
    )


@check("5.3", points=1, category="correctness", hidden=False)
def check_layer_rotation_small_example(ctx: CheckContext) -> None:
    init = {"w": torch.tensor([[1.0, 0.0], [0.0, 1.0]]), "b": torch.tensor([1.0, 1.0])}
    state = {"w": torch.tensor([[0.0, 1.0], [1.0, 0.0]]), "b": torch.tensor([-2.0, -2.0])}
    got = _rotation(ctx, init, state)
    expect_close(
        [got["w"], got["b"]],
        [1.0, 2.0],
        what='[rotation["w"], rotation["b"]]',
        context=Text(
            en=f"{ctx.student.last_call}: w is orthogonal to its initial value (distance 1), b points the opposite way (distance 2)",
            pt=f"{ctx.student.last_call}: w é ortogonal ao valor inicial (distância 1), b aponta no sentido oposto (distância 2)",
        ),
        atol=1e-6,
    )


@check("5.3", points=1, category="correctness", hidden=False)
def check_critical_period_end_small_example(ctx: CheckContext) -> None:
    history = [4.0, 2.0, 1.0, 1.0, 1.25, 3.0]
    got = ctx.student.critical_period_end(history, 0.5, 2)
    expect(
        _is_int(got) and int(got) == 2,  # type: ignore[arg-type]
        en="{call} should return 2 (the changes at epochs 3 and 4 are 0 and 0.25, both <= 0.5, while the change at epoch 2 is 1), got {got!r}.",
        pt="{call} deveria retornar 2 (as variações nas épocas 3 e 4 são 0 e 0.25, ambas <= 0.5, enquanto a variação na época 2 é 1), obteve {got!r}.",
        call=ctx.student.last_call,
        got=got,
    )


def _bn_small() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))


def _trainable(summary: dict) -> dict[str, bool]:
    """{'module.param': requires_grad} from a module summary."""
    flags = {}
    for row in summary["modules"]:
        for p in row["parameters"]:
            name = f"{row['name']}.{p['name']}" if row["name"] else p["name"]
            flags[name] = bool(p["requires_grad"])
    return flags


@check("5.4", points=1, category="correctness", hidden=False)
def check_freeze_small_model_public(ctx: CheckContext) -> None:
    model = ctx.student.freeze_all_but_batchnorm(_bn_small())
    call = (
        "freeze_all_but_batchnorm(Sequential(Linear(4, 8), BatchNorm1d(8), ReLU(), Linear(8, 3)))"
    )
    expect_module(model, call)
    got = sorted(name for name, flag in _trainable(model.summary()).items() if flag)
    expect(
        got == ["1.bias", "1.weight"],
        en="{call}: exactly the BatchNorm parameters ['1.bias', '1.weight'] should require grad, got {got}.",
        pt="{call}: exatamente os parâmetros da BatchNorm ['1.bias', '1.weight'] deveriam exigir gradiente, obteve {got}.",
        call=call,
        got=got,
    )


def _rotation(ctx: CheckContext, init: dict, state: dict) -> dict[str, float]:
    result = ctx.student.layer_rotation(init, state)
    call = ctx.student.last_call
    if not isinstance(result, dict) or set(result) != set(init):
        fail(
            en="{call} should return a dict with one float per key of init_state ({keys}), got {got}.",
            pt="{call} deveria retornar um dict com um float por chave de init_state ({keys}), obteve {got}.",
            call=call,
            keys=sorted(init),
            got=sorted(result) if isinstance(result, dict) else type(result).__name__,
        )
    return {k: _number(v, f"{call}[{k!r}]") for k, v in result.items()}


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
