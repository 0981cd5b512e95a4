# Public checks for ch08_augmentation, released by `grade release` (do not edit).
# Run them with:  grade check ch08_augmentation ch08_augmentation.py
"""Grader for ch08_augmentation (PCS 5022, chapter 8: data augmentation and adversarial examples).

Nothing the submission reports is taken on trust. 8.1 returns trained models: the judge measures
their accuracy on digits it kept, and checks which rows each setting may depend on by changing the
rows it must ignore. 8.3 and 8.4 attack judge-built networks (the shipped, trained ch04 digits MLP,
uploaded with ``ctx.student.put``): the judge runs its own FGSM on the same network, compares, and
inspects the network afterwards (weights, ``.grad``, modes, ``requires_grad``). The distilled
samples of 8.4 are the class means of the training digits (a stand-in for IPC = 1 distilled data).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from harness.checks import (
    MODULE,
    Array,
    CheckContext,
    GraderSettings,
    Keys,
    Text,
    Tuple,
    check,
    expect,
    expect_close,
    refine,
    rubric,
)

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=20.0, submission_budget_s=120.0)

CONTRACT = refine(
    augment_tabular=Tuple((Array(ndim=2), Array(ndim=1))),
    quantity_vs_diversity=Keys(repetition=MODULE, diversity=MODULE, quantity=MODULE),
    fgsm=Array(ndim=2),
    scaleup_consistency=Array(ndim=1),
    tta_predict=Array(ndim=1, integer=True),
    fgsm_from_distilled=Array(ndim=2),
)

QUANTITY_VS_DIVERSITY = rubric(
    "8.1",
    "quantity_vs_diversity_discussion",
    2,
    Text(
        en="Using the judge's accuracy table, explain what quantity and diversity each contribute at the same number of steps, and what the experiment would need (seeds, values of k) to support a conclusion.",
        pt="Com a tabela de acurácias do corretor, explique o que quantidade e diversidade acrescentam com o mesmo número de passos, e o que o experimento precisaria (sementes, valores de k) para sustentar uma conclusão.",
    ),
)
TABULAR_EFFECTIVENESS = rubric(
    "8.2",
    "tabular_augmentation_effectiveness",
    2,
    Text(
        en="Justify why the tabular augmentation keeps each row's class, how its effectiveness was measured (with/without, same seeds, held-out data) and when it stops helping.",
        pt="Justifique por que o aumento tabular preserva a classe de cada linha, como sua efetividade foi medida (com/sem, mesmas sementes, dados não vistos) e quando ele deixa de ajudar.",
    ),
)
TEST_TIME_DEFENCE = rubric(
    "8.3",
    "test_time_defence",
    2,
    Text(
        en="Discuss the judge's table of accuracy with and without the test-time defence under FGSM, and how the scaled-consistency score could serve as a detector (threshold, false positives, adaptive attacks).",
        pt="Discuta a tabela do corretor com a acurácia com e sem a defesa no teste sob FGSM, e como a pontuação de consistência sob escala poderia servir de detector (limiar, falsos positivos, ataques adaptativos).",
    ),
)
DISTILLED_QUESTIONS = rubric(
    "8.4",
    "distilled_fgsm_questions",
    2,
    Text(
        en="Answer (i) whether an FGSM that never takes the gradient at x is effective (use the judge's table) and (ii) how to test whether distilled samples transfer to other architectures.",
        pt="Responda (i) se um FGSM que nunca calcula o gradiente em x é efetivo (use a tabela do corretor) e (ii) como testar se amostras destiladas se transferem para outras arquiteturas.",
    ),
)

# the public examples: a two-class linear model whose input gradient has a closed form
_LINEAR_WEIGHT = np.array([[1.0, -1.0, 0.5], [-1.0, 1.0, -0.5]])


def _linear_model() -> nn.Linear:
    layer = nn.Linear(3, 2)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(_LINEAR_WEIGHT, dtype=torch.float32))
        layer.bias.zero_()
    return layer.eval()


def _linear_input_gradient_sign(points: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """sign(W^T (softmax(W p) - onehot(label))) for the linear model, row by row."""
    logits = points @ _LINEAR_WEIGHT.T
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities = shifted / shifted.sum(axis=1, keepdims=True)
    probabilities[np.arange(len(labels)), labels] -= 1.0
    return np.sign(probabilities @ _LINEAR_WEIGHT)


def _two_blob_table(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    labels = np.repeat(np.array([7, 2, 5]), [14, 9, 17])
    table = rng.normal(size=(40, 5)) * np.array([1.0, 3.0, 0.2, 10.0, 1.0]) + labels[:, None]
    return table, labels


@check("8.2", points=1, category="shape", hidden=False)
def check_augment_shapes_and_labels(ctx: CheckContext) -> None:
    """One augmented row per input row, labels unchanged and in the same order."""
    X, y = _two_blob_table(ctx.rng)
    X_aug, y_aug = ctx.student.augment_tabular(X, y, 0)
    expect(
        np.shape(X_aug) == X.shape and np.array_equal(np.asarray(y_aug), y),
        en="{call}: expected X_aug of shape {shape} (one augmented copy per row) and y_aug equal to y = {y}; got X_aug of shape {got_shape} and y_aug = {got_y}.",
        pt="{call}: esperado X_aug de forma {shape} (uma cópia aumentada por linha) e y_aug igual a y = {y}; obtido X_aug de forma {got_shape} e y_aug = {got_y}.",
        call=ctx.student.last_function_call,
        shape=X.shape,
        y=y.tolist(),
        got_shape=np.shape(X_aug),
        got_y=np.asarray(y_aug).tolist(),
    )


@check("8.3", points=1, category="correctness", hidden=False)
def check_fgsm_linear_example(ctx: CheckContext) -> None:
    """A two-class linear model whose input gradient sign is known in closed form; eps = 0.1."""
    points = np.array([[0.5, 0.5, 0.5], [0.5, 0.05, 0.98]], dtype=np.float32)
    labels = np.array([0, 1])
    step = 0.1 * _linear_input_gradient_sign(points.astype(np.float64), labels)
    expected = np.clip(points + step, 0.0, 1.0)
    model = ctx.student.put(_linear_model())
    got = ctx.student.fgsm(model, torch.from_numpy(points), torch.from_numpy(labels), 0.1)
    expect_close(got, expected, what="x_adv", atol=1e-5)


@check("8.3", points=1, category="correctness", hidden=False)
def check_scaleup_small_example(ctx: CheckContext) -> None:
    """Class 1 iff x1 + x2 > 1.1; scales (1, 2, 3) with clamping to [0, 1]."""
    layer = nn.Linear(2, 2)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[0.0, 0.0], [1.0, 1.0]]))
        layer.bias.copy_(torch.tensor([0.0, -1.1]))
    points = torch.tensor([[0.3, 0.3], [0.1, 0.1], [0.6, 0.6], [0.45, 0.0]])
    got = ctx.student.scaleup_consistency(ctx.student.put(layer.eval()), points, [1.0, 2.0, 3.0])
    expect_close(got, [1 / 3, 1.0, 1.0, 1.0], what="the consistency scores", atol=1e-6)


@check("8.4", points=1, category="correctness", hidden=False)
def check_distilled_linear_example(ctx: CheckContext) -> None:
    """With the linear model, every row moves along the sign of the gradient at its predicted class's
    distilled sample (for this model the sign depends on the class only); eps = 0.1."""
    points = np.array([[0.5, 0.2, 0.5], [0.2, 0.7, 0.3], [0.9, 0.1, 0.0]], dtype=np.float32)
    distilled = {0: torch.tensor([0.8, 0.1, 0.6]), 1: torch.tensor([0.1, 0.9, 0.2])}
    predicted = (points @ _LINEAR_WEIGHT.T).argmax(axis=1)
    bases = np.stack([distilled[int(c)].numpy() for c in predicted]).astype(np.float64)
    expected = np.clip(points + 0.1 * _linear_input_gradient_sign(bases, predicted), 0.0, 1.0)
    model = ctx.student.put(_linear_model())
    got = ctx.student.fgsm_from_distilled(model, torch.from_numpy(points), distilled, 0.1)
    expect_close(got, expected, what="x_adv", atol=1e-5)


@check("8.1", points=1, category="shape", hidden=False)
def check_quantity_vs_diversity_structure(ctx: CheckContext) -> None:
    """Three models, each mapping (m, 64) digits to (m, 10) logits."""
    from harness.checks import digits

    split = digits()
    models = ctx.student.quantity_vs_diversity(
        np.array(split.X_train[:200]), np.array(split.y_train[:200]), 50, 4, 0
    )
    call = ctx.student.last_function_call
    for name in ("repetition", "diversity", "quantity"):
        shape = np.shape(np.asarray(models[name](torch.from_numpy(np.array(split.X_test[:5])))))
        expect(
            shape == (5, 10),
            en="{call}[{name!r}] applied to 5 digits (a (5, 64) float32 tensor) should give (5, 10) logits; got shape {shape}.",
            pt="{call}[{name!r}] aplicado a 5 dígitos (um tensor float32 (5, 64)) deveria dar logits (5, 10); obteve forma {shape}.",
            call=call,
            name=name,
            shape=shape,
        )


@check("8.3", points=1, category="shape", hidden=False)
def check_tta_labels_shape(ctx: CheckContext) -> None:
    """tta_predict on 6 points of a 3-feature linear model: 6 labels in {0, 1}."""
    points = torch.rand(6, 3)
    labels = ctx.student.tta_predict(ctx.student.put(_linear_model()), points, 4, 0)
    got = np.asarray(labels)
    expect(
        got.shape == (6,) and set(got.tolist()) <= {0, 1},
        en="{call}: expected 6 class labels of a two-class model (each 0 or 1); got {got}.",
        pt="{call}: esperados 6 rótulos de um modelo de duas classes (cada um 0 ou 1); obtido {got}.",
        call=ctx.student.last_function_call,
        got=got.tolist(),
    )
