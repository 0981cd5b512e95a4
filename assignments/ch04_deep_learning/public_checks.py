# Public checks for ch04_deep_learning, released by `grade release` (do not edit).
# Run them with:  grade check ch04_deep_learning ch04_deep_learning.py
"""Grader for ch04_deep_learning (PCS 5022, chapter 4: deep learning).

Models are built by the judge (from the shipped fixtures of harness/fixtures/ch04_deep_learning.py
where training is involved), sent to the worker, and inspected afterwards through handles
(state_dict, summary: hooks and training flags). Accuracies are measured or recomputed judge-side;
the student's numbers are compared with them.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from harness.checks import (
    Array,
    CheckContext,
    DictOf,
    GraderSettings,
    Text,
    assess_only_if,
    check,
    expect,
    expect_close,
    expect_equal,
    expect_keys,
    refine,
    rubric,
)

SETTINGS = GraderSettings(call_timeout_s=30.0, submission_budget_s=240.0)

# the statement fixes what the annotations leave open: representations are (n, d) matrices
CONTRACT = refine(
    extract_representations=DictOf(str, Array(ndim=2)),
    concat_representations=Array(ndim=2),
)

EFFICIENCY_DISCUSSION = rubric(
    "4.1",
    "width_depth_efficiency_discussion",
    2,
    Text(
        en="Using the comparison table, which distribution of the 2n units (k = 2, 4, 8) is the most efficient in latency, storage and number of parameters, and why (parameters grow with the square of the width, latency with the number of sequential layers)?",
        pt="Com a tabela comparativa, qual distribuição dos 2n neurônios (k = 2, 4, 8) é mais eficiente em latência, armazenamento e número de parâmetros, e por quê (parâmetros crescem com o quadrado da largura, latência com o número de camadas sequenciais)?",
    ),
)

ROBUSTNESS_DISCUSSION = rubric(
    "4.5",
    "robust_critical_discussion",
    2,
    Text(
        en="Which layers of the digits MLP are critical and which are robust? Relate the answer to Zhang, Bengio and Singer (2022) and to how far each layer moved from its initialisation.",
        pt="Quais camadas do MLP dos dígitos são críticas e quais são robustas? Relacione a resposta com Zhang, Bengio e Singer (2022) e com o quanto cada camada se afastou da inicialização.",
    ),
)


# ---------------------------------------------------------------------------------------------
# Public checks: small known answers, no reference needed.


@check("4.1", points=1, category="correctness", hidden=False)
def check_redistribute_seed_examples_public(ctx: CheckContext) -> None:
    """The examples of the statement: n = 2048 over 2, 4 and 8 layers."""
    for k, expected in ((2, [2048, 2048]), (4, [1024] * 4), (8, [512] * 8)):
        widths = ctx.student.redistribute_neurons(2048, k)
        expect_equal(widths, expected, what="the widths")


@check("4.1", points=1, category="correctness", hidden=False)
def check_count_parameters_small_mlp_public(ctx: CheckContext) -> None:
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    count = ctx.student.count_parameters(model)
    expect(
        count == 26,
        en="count_parameters(Sequential(Linear(3, 4), ReLU(), Linear(4, 2))) should be 26 (3*4 + 4 + 4*2 + 2), got {got}.",
        pt="count_parameters(Sequential(Linear(3, 4), ReLU(), Linear(4, 2))) deveria ser 26 (3*4 + 4 + 4*2 + 2), obteve {got}.",
        got=count,
    )


@check("4.2", points=1, category="correctness", hidden=False)
def check_cka_identical_representations_public(ctx: CheckContext) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 4))
    unrelated = ctx.student.linear_cka(X, rng.normal(size=(30, 3)))
    assess_only_if(
        not abs(unrelated - 1.0) <= 1e-3,
        en="{call} = {got!r} for a Z drawn independently of X: a function that gives 1 for unrelated representations says nothing when it gives 1 for identical ones.",
        pt="{call} = {got!r} para um Z sorteado independentemente de X: uma função que dá 1 para representações sem relação nada diz quando dá 1 para representações iguais.",
        call=ctx.student.last_call,
        got=unrelated,
    )
    for Y, label in ((X, "X"), (3.0 * X + 2.0, "3 X + 2")):
        value = ctx.student.linear_cka(X, Y)
        expect_close(
            value,
            1.0,
            what=f"linear_cka(X, {label})",
            context=Text(
                en=f"for X of shape (30, 4), linear_cka(X, {label}) must be 1",
                pt=f"para X de forma (30, 4), linear_cka(X, {label}) deve ser 1",
            ),
            rtol=1e-6,
            atol=1e-6,
        )


@check("4.3", points=1, category="correctness", hidden=False)
def check_extract_small_mlp_public(ctx: CheckContext) -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(5, 7), nn.ReLU(), nn.Linear(7, 3)).eval()
    X = np.random.default_rng(1).normal(size=(10, 5)).astype(np.float32)
    reps = ctx.student.extract_representations(model, X, ["0", "2"])
    expect_keys(reps, ["0", "2"], what="the dict of representations")
    with torch.no_grad():
        hidden = model[0](torch.from_numpy(X))
        logits = model(torch.from_numpy(X))
    expect_close(reps["0"], hidden.numpy(), what='reps["0"]', rtol=1e-4, atol=1e-5)
    expect_close(reps["2"], logits.numpy(), what='reps["2"]', rtol=1e-4, atol=1e-5)


@check("4.5", points=1, category="correctness", hidden=False)
def check_classify_layers_small_example_public(ctx: CheckContext) -> None:
    labels = ctx.student.classify_layers({"0": 0.5, "2": 0.93}, 0.95)
    expect(
        labels == {"0": "critical", "2": "robust"},
        en="classify_layers({{'0': 0.5, '2': 0.93}}, 0.95) should be {{'0': 'critical', '2': 'robust'}} (default tolerance 0.05), got {got}.",
        pt="classify_layers({{'0': 0.5, '2': 0.93}}, 0.95) deveria ser {{'0': 'critical', '2': 'robust'}} (tolerância padrão 0.05), obteve {got}.",
        got=labels,
    )


@check("4.5", points=1, category="correctness", hidden=False)
def check_reinit_to_same_weights_changes_nothing_public(ctx: CheckContext) -> None:
    """With init_state equal to the trained weights, every layer keeps the full accuracy."""
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3)).eval()
    X = np.random.default_rng(2).normal(size=(40, 4)).astype(np.float32)
    with torch.no_grad():
        y = model(torch.from_numpy(X)).argmax(dim=1).numpy()
    init_state = {k: v.clone() for k, v in model.state_dict().items()}
    results = ctx.student.reinit_robustness(model, init_state, X, y)
    call = ctx.student.last_call
    expect_keys(
        results, ["0", "2"], what="the dict of accuracies (one per module owning parameters)"
    )
    for name in ("0", "2"):
        expect_close(
            results[name],
            1.0,
            what=f'results["{name}"]',
            context=Text(
                en=f"{call} with init_state equal to the trained weights (labels = the model's own predictions)",
                pt=f"{call} com init_state igual aos pesos treinados (rótulos = as predições do próprio modelo)",
            ),
        )
