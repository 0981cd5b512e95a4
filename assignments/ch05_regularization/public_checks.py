# Public checks for ch05_regularization, released by `grade release` (do not edit).
# Run them with:  grade check ch05_regularization ch05_regularization.py
"""Grader for ch05_regularization (PCS 5022, chapter 5: regularization).

Ensembles are built from judge-made members and compared with a judge-side computation; the
training-dynamics metrics are checked through their properties (known answers, invariances,
boundary cases); BatchNorm-only training runs on a judge-built network, and the judge loads the
returned state_dict into its own copy of that network to compare parameters and measure accuracy.
Invariance, side-effect and stability properties are assessed only once the function computes the
right thing (``requires=``); training properties only once the training learned something.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from torch import nn

from harness.checks import (
    MODULE,
    CheckContext,
    DictOf,
    GraderSettings,
    Text,
    assess_only_if,
    check,
    digits,
    expect,
    expect_close,
    expect_keys,
    expect_shape,
    fail,
    refine,
    rubric,
)

# the rest of the contract comes from the reference's annotations (`train_ensemble ->
# AveragingEnsemble` is checked in the worker: an instance of the student's own class)
CONTRACT = refine(critical_period_experiment=DictOf(int, MODULE))  # {t: trained model}

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
    x = torch.linspace(-1.0, 1.0, 15).reshape(5, 3)
    out = expect_shape(ctx.student.AveragingEnsemble(members)(x), (5, 4), what="the output")
    want = _mean_softmax(members, x).argmax(dim=1).numpy()
    assess_only_if(
        np.array_equal(out.argmax(axis=1), want),
        en="{call}: the predicted classes {got} are not those of the members' mean softmax {want}; the ensemble does not combine its members, so the form of its output is not assessed.",
        pt="{call}: as classes previstas {got} não são as da média softmax dos membros {want}; o ensemble não combina seus membros, então a forma da saída não é avaliada.",
        call=ctx.student.last_call,
        got=out.argmax(axis=1).tolist(),
        want=want.tolist(),
    )
    expect(
        bool(np.all(out >= 0)) and np.allclose(out.sum(axis=1), 1.0, atol=1e-5),
        en="{call}: every row should be a probability vector (non-negative, summing to 1); the row sums are {sums}.",
        pt="{call}: cada linha deveria ser um vetor de probabilidades (não negativo, somando 1); as somas das linhas são {sums}.",
        call=ctx.student.last_call,
        sums=np.round(out.sum(axis=1), 6).tolist(),
    )


#: the judge's critical-period runs: the first CP_ROWS training digits, CP_EPOCHS epochs
CP_ROWS = 600
CP_EPOCHS = 3
#: held-out accuracy the best model of a run must beat before the other 5.2 properties are assessed
#: (chance is 0.10; models that learned nothing score about that)
CP_LEARNED = 0.3


def _cp_training(labels: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The judge's training digits (float32, pixels / 16) and their labels (relabelled by
    ``labels[y]`` when given); the held-out ones stay with the judge."""
    data = digits()
    y = np.array(data.y_train[:CP_ROWS])
    return np.array(data.X_train[:CP_ROWS]), (y if labels is None else labels[y])


def _cp_models(
    ctx: CheckContext,
    X: np.ndarray,
    y: np.ndarray,
    removal_epochs: list[int],
    epochs: int,
    seed: int,
) -> tuple[dict[int, Any], str]:
    """Call the student's experiment; exactly one model per requested t."""
    models = ctx.student.critical_period_experiment(X, y, removal_epochs, epochs=epochs, seed=seed)
    call = ctx.student.last_call
    expect_keys(models, removal_epochs, what="the dict {t: model}", context=call)
    return models, call


def _cp_outputs(model: Any, t: int, call: str) -> np.ndarray:
    """The logits of the model for t on the judge's held-out digits (the judge puts it in eval
    mode first, as the statement asks)."""
    X_test = np.array(digits().X_test)
    model.call_method("eval")
    return expect_shape(
        model(torch.tensor(X_test)),
        (len(X_test), 10),
        what=f"models[{t}](X) for the judge's held-out digits X, float32 of shape {X_test.shape} (one logit per class)",
        context=call,
    )


def _cp_accuracy(logits: np.ndarray, labels: np.ndarray | None = None) -> float:
    y = np.array(digits().y_test)
    return float((logits.argmax(axis=1) == (y if labels is None else labels[y])).mean())


def _cp_assess_learned(accuracies: dict[int, float], call: str) -> None:
    assess_only_if(
        max(accuracies.values()) > CP_LEARNED,
        en="{call}: the judge measured the held-out accuracies {accuracies} ({{t: accuracy}}; chance is 0.10): no model beats {learned}, so they learned nothing from the training digits and this property is not assessed.",
        pt="{call}: o corretor mediu as acurácias {accuracies} em dígitos não vistos ({{t: acurácia}}; o acaso é 0.10): nenhum modelo passa de {learned}, então eles não aprenderam nada dos dígitos de treino e esta propriedade não é avaliada.",
        call=call,
        accuracies={t: round(a, 3) for t, a in accuracies.items()},
        learned=CP_LEARNED,
    )


@check("5.2", points=1, category="shape", hidden=False, timeout=60.0)
def check_critical_period_experiment_structure_public(ctx: CheckContext) -> None:
    """One model per requested t, each mapping the judge's (n, 64) float32 digits to (n, 10)."""
    requested = [0, 1, CP_EPOCHS]
    models, call = _cp_models(ctx, *_cp_training(), requested, epochs=CP_EPOCHS, seed=0)
    accuracies = {t: _cp_accuracy(_cp_outputs(models[t], t, call)) for t in requested}
    _cp_assess_learned(accuracies, call)


@check("5.3", points=1, category="correctness", hidden=False)
def check_gradient_confusion_small_example(ctx: CheckContext) -> None:
    g_a, g_b = torch.tensor([1.0, 0.0, 0.0]), torch.tensor([1.0, 1.0, 0.0])
    value = ctx.student.gradient_confusion(g_a, g_b)
    expect_close(value, 1 / math.sqrt(2), what="cos(45°)", rtol=0, atol=1e-6)


@check("5.3", points=1, category="correctness", hidden=False)
def check_layer_rotation_small_example(ctx: CheckContext) -> None:
    init = {"w": torch.tensor([[1.0, 0.0], [0.0, 1.0]]), "b": torch.tensor([1.0, 1.0])}
    state = {"w": torch.tensor([[0.0, 1.0], [1.0, 0.0]]), "b": torch.tensor([-2.0, -2.0])}
    got = _rotation(ctx, init, state)
    expect_close(
        [got["w"], got["b"]],
        [1.0, 2.0],
        what=Text(
            en='[rotation["w"], rotation["b"]] (w is orthogonal to its initial value: distance 1; b points the opposite way: distance 2)',
            pt='[rotation["w"], rotation["b"]] (w é ortogonal ao valor inicial: distância 1; b aponta no sentido oposto: distância 2)',
        ),
        atol=1e-6,
    )


@check("5.3", points=1, category="correctness", hidden=False)
def check_critical_period_end_small_example(ctx: CheckContext) -> None:
    why = Text(
        en="The changes at epochs 3 and 4 are 0 and 0.25, both <= 0.5, while the change at epoch 2 is 1.",
        pt="As variações nas épocas 3 e 4 são 0 e 0.25, ambas <= 0.5, enquanto a variação na época 2 é 1.",
    )
    _expect_end(ctx, [4.0, 2.0, 1.0, 1.0, 1.25, 3.0], 0.5, 2, why)


def _bn_small() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))


def _trainable(model: Any) -> list[str]:
    """The names of the parameters of a model handle that require grad."""
    return sorted(
        f"{row['name']}.{p['name']}".lstrip(".")
        for row in model.summary()["modules"]
        for p in row["parameters"]
        if p["requires_grad"]
    )


@check("5.4", points=1, category="correctness", hidden=False)
def check_freeze_small_model_public(ctx: CheckContext) -> None:
    got = _trainable(ctx.student.freeze_all_but_batchnorm(_bn_small()))
    expect(
        got == ["1.bias", "1.weight"],
        en="{call}: exactly the BatchNorm parameters ['1.bias', '1.weight'] of Sequential(Linear(4, 8), BatchNorm1d(8), ReLU(), Linear(8, 3)) should require grad, got {got}.",
        pt="{call}: exatamente os parâmetros da BatchNorm ['1.bias', '1.weight'] de Sequential(Linear(4, 8), BatchNorm1d(8), ReLU(), Linear(8, 3)) deveriam exigir gradiente, obteve {got}.",
        call="freeze_all_but_batchnorm(model)",
        got=got,
    )


def _rotation(ctx: CheckContext, init: dict, state: dict) -> dict[str, float]:
    got = ctx.student.layer_rotation(init, state)  # kit bug: escape a short dict's braces
    call = ctx.student.last_call.replace("{", "{{").replace("}", "}}")
    return expect_keys(got, list(init), what="the rotations", context=call)


def _oracle(history: list[float], threshold: float, patience: int) -> int | None:
    for i in range(len(history) - patience):
        if all(
            abs(history[j] - history[j - 1]) <= threshold for j in range(i + 1, i + patience + 1)
        ):
            return i
    return None


def _expect_end(
    ctx: CheckContext, history: Any, threshold: float, patience: int, why: Text
) -> None:
    got = ctx.student.critical_period_end(history, threshold, patience)
    want = _oracle([float(v) for v in history], threshold, patience)
    if got != want:
        fail(
            Text(
                en="{call} should return {want!r}, got {got!r}. ",
                pt="{call} deveria retornar {want!r}, obteve {got!r}. ",
            ).format(call=ctx.student.last_call, want=want, got=got)
            + why
        )
