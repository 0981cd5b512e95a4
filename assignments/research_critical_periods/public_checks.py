# Public checks for research_critical_periods, released by `grade release` (do not edit).
# Run them with:  grade check research_critical_periods research_critical_periods.py
"""Grader for research_critical_periods (PCS 5022: the research project on critical periods).

Nothing the submission reports is taken on trust. The judge passes its own network and its own
augmentation ``T`` (a probe that counts every row it augments), so the log's ``k`` is compared
with what was really requested; the switch epoch is recomputed from the logged metric with chapter
5's ``critical_period_end``; the last logged metric is recomputed from the returned weights; the
judge loads the returned state_dict into its own copy of the network and measures accuracy and
FGSM robustness on digits it kept, next to baselines it trains itself in the same worker. The
cost/benefit table (samples, wall and CPU time, energy and CO2 estimates) is the judge's.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
import torch
from torch import nn

from harness.checks import (
    MODULE,
    CheckContext,
    GraderSettings,
    Keys,
    ListOf,
    Text,
    Tuple,
    assess_only_if,
    check,
    digits,
    expect,
    expect_close,
    load_returned_weights,
    refine,
    rubric,
)
from harness.probes import research_critical_periods as probes

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=60.0, submission_budget_s=240.0)

CONTRACT = refine(
    train_adaptive_augmentation=Tuple((MODULE, ListOf(Keys(epoch=int, k=int, metric=float)))),
)

METRIC_CHOICE = rubric(
    "P.3",
    "metric_choice",
    2,
    Text(
        en="Which training-dynamics metric (gradient confusion, gradient predictability, layer rotation) detects the end of the critical period best, and how was that measured (same seeds, detected epoch against the accuracy cost of switching there, variation over seeds)?",
        pt="Qual métrica da dinâmica de treino (confusão do gradiente, previsibilidade do gradiente, rotação de camadas) detecta melhor o fim do período crítico, e como isso foi medido (mesmas sementes, época detectada contra o custo em acurácia de trocar nela, variação entre sementes)?",
    ),
)
AGNOSTIC_VS_EARLY_STOPPING = rubric(
    "P.3",
    "agnostic_vs_early_stopping",
    2,
    Text(
        en="Compare the data-agnostic switch with validation-based early stopping: what each needs (held-out i.i.d. data, evaluations), what each measures, and when each fails.",
        pt="Compare a troca agnóstica a dados com a parada antecipada baseada em validação: o que cada uma exige (dados i.i.d. separados, avaliações), o que mede, e quando falha.",
    ),
)
COST_TRADEOFF = rubric(
    "P.3",
    "cost_tradeoff",
    2,
    Text(
        en="Discuss the accuracy/cost trade-off with the judge's table (samples, time, energy, CO2, FGSM robustness) for fixed k, adaptive k and k = 1, and how far the energy and CO2 estimates can be trusted.",
        pt="Discuta o compromisso entre acurácia e custo com a tabela do corretor (amostras, tempo, energia, CO2, robustez ao FGSM) para k fixo, k adaptativo e k = 1, e quanto se pode confiar nas estimativas de energia e CO2.",
    ),
)

# the experiment the statement fixes
N_TRAIN = 600
K = 4
EPOCHS = 8
THRESHOLD = 0.02
PATIENCE = 2
SIGMA = 0.3
#: held-out accuracy (chance is 0.10) a returned model must beat before the properties of the
#: run that produced it are assessed: a model that learned nothing earns nothing
LEARNED = 0.5
#: the adaptive model's held-out accuracy: full marks within FULL_MARGIN of the judge's fixed-k
#: baseline, none at ZERO_MARGIN below it or lower
FULL_MARGIN = 0.03
ZERO_MARGIN = 0.10
FGSM_EPSILON = 0.1
#: assumptions behind the energy and CO2 estimates (stated in the README and the report): the
#: power drawn by one busy CPU core, and the carbon intensity of the grid (the order of magnitude
#: of Brazil's mostly hydroelectric grid; set another grid's figure here)
WATTS_PER_BUSY_CORE = 10.0
GRAMS_CO2_PER_KWH = 100.0


def _network() -> nn.Sequential:
    """The judge's network, 64 -> 64 -> ReLU -> 10, with weights from numpy's seeded generator
    (the same on every machine)."""
    rng = np.random.default_rng(5022)
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    with torch.no_grad():
        for module in model:
            if isinstance(module, nn.Linear):
                bound = module.in_features**-0.5
                module.weight.copy_(
                    torch.from_numpy(rng.uniform(-bound, bound, module.weight.shape))
                )
                module.bias.copy_(torch.from_numpy(rng.uniform(-bound, bound, module.bias.shape)))
    return model


def _data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    split = digits()
    return (
        np.array(split.X_train[:N_TRAIN]),
        np.array(split.y_train[:N_TRAIN]),
        np.array(split.X_test),
        np.array(split.y_test),
    )


def _judge_rotation(init: dict[str, torch.Tensor], state: dict[str, torch.Tensor]) -> float:
    distances = []
    for name, initial in init.items():
        a = initial.detach().reshape(-1).double()
        b = state[name].detach().reshape(-1).double()
        cosine = float(torch.dot(a, b) / (a.norm() * b.norm()))
        distances.append(1.0 - min(1.0, max(-1.0, cosine)))
    return float(np.mean(distances))


def _critical_period_end(history: list[float], threshold: float, patience: int) -> int | None:
    for i in range(len(history) - patience):
        if all(
            abs(history[j] - history[j - 1]) <= threshold for j in range(i + 1, i + patience + 1)
        ):
            return i
    return None


def _expected_ks(metrics: list[float], k: int, threshold: float, patience: int) -> list[int]:
    """The k of every epoch that the statement's rule gives for these logged metric values."""
    ks, current = [], k
    for epoch in range(len(metrics)):
        ks.append(current)
        if (
            current > 1
            and _critical_period_end(metrics[: epoch + 1], threshold, patience) is not None
        ):
            current = 1
    return ks


class Run(NamedTuple):
    """One call of train_adaptive_augmentation, as the judge saw it."""

    call: str
    model: nn.Module  # the judge's copy with the returned weights
    log: list[dict[str, Any]]
    rows_per_call: list[int]
    wall_s: float
    cpu_s: float


def _judge_copy(returned: Any, call: str) -> nn.Module:
    """The judge's network with the returned state_dict loaded."""
    return load_returned_weights(returned, _network(), call=call).eval()


def _run(
    ctx: CheckContext,
    *,
    k: int = K,
    epochs: int = EPOCHS,
    threshold: float = THRESHOLD,
    patience: int = PATIENCE,
    seed: int = 0,
    augment_seed: int = 0,
) -> Run:
    X, y, _, _ = _data()
    augment = ctx.student.put(probes.RecordingAugment(SIGMA, augment_seed))
    cpu = ctx.student.put(probes.cpu_seconds)
    model = ctx.student.put(_network())
    before = cpu()
    returned, log = ctx.student.train_adaptive_augmentation(
        model, X, y, augment, k=k, epochs=epochs, threshold=threshold, patience=patience, seed=seed
    )
    wall, call = ctx.student.last_call_seconds, ctx.student.last_function_call
    cpu_s = cpu() - before
    rows = [int(r) for r in augment.get("rows_per_call")]
    return Run(call, _judge_copy(returned, call), log, rows, wall, cpu_s)


def _accuracy(model: nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    with torch.no_grad():
        return float((model(torch.from_numpy(X)).argmax(dim=1).numpy() == y).mean())


def _fgsm_accuracy(model: nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    """Accuracy under the judge's FGSM (one signed-gradient step of size FGSM_EPSILON)."""
    x = torch.from_numpy(X).clone().requires_grad_(True)
    loss = nn.functional.cross_entropy(model(x), torch.from_numpy(y))
    (gradient,) = torch.autograd.grad(loss, x)
    return _accuracy(model, (x + FGSM_EPSILON * gradient.sign()).detach().numpy(), y)


def _learned(run: Run) -> float:
    _, _, X_test, y_test = _data()
    score = _accuracy(run.model, X_test, y_test)
    assess_only_if(
        score > LEARNED,
        en="{call}: the judge measured a held-out accuracy of {score:.3f} for the returned network (chance is 0.10), so it learned nothing and the properties of this training run are not assessed.",
        pt="{call}: o corretor mediu acurácia {score:.3f} em dados não vistos para a rede retornada (o acaso é 0.10), então ela não aprendeu nada e as propriedades deste treino não são avaliadas.",
        call=run.call,
        score=score,
    )
    return score


def _metrics(run: Run) -> list[float]:
    return [float(entry["metric"]) for entry in run.log]


def _ks(run: Run) -> list[int]:
    return [int(entry["k"]) for entry in run.log]


@check("P.1", points=1, category="correctness", hidden=False)
def check_rotation_metric_small_example(ctx: CheckContext) -> None:
    """One tensor turned by 90 degrees (distance 1), one only scaled (distance 0): the mean is 0.5."""
    init = {"a": torch.tensor([1.0, 0.0]), "b": torch.tensor([[1.0, 1.0]])}
    state = {"a": torch.tensor([0.0, 3.0]), "b": torch.tensor([[2.0, 2.0]])}
    expect_close(ctx.student.rotation_metric(init, state), 0.5, what="the mean rotation", atol=1e-6)


@check("P.2", points=1, category="shape", hidden=False, timeout=60.0)
def check_adaptive_training_log_structure(ctx: CheckContext) -> None:
    """Three epochs with k = 2 that never switch: three log entries in order, k = 2 in each."""
    run = _run(ctx, k=2, epochs=3, threshold=-1.0)
    expected = [{"epoch": e, "k": 2} for e in range(3)]
    got = [{"epoch": int(e["epoch"]), "k": int(e["k"])} for e in run.log]
    expect(
        got == expected,
        en="{call}: the log should hold one entry per epoch, in order, each with the k used (threshold < 0 never switches): expected {expected}, got {got}.",
        pt="{call}: o registro deveria ter uma entrada por época, em ordem, cada uma com o k usado (threshold < 0 nunca troca): esperado {expected}, obtido {got}.",
        call=run.call,
        expected=expected,
        got=got,
    )
    outside = [m for m in _metrics(run) if not (math.isfinite(m) and 0.0 <= m <= 2.0)]
    expect(
        not outside,
        en="{call}: every logged metric is a mean cosine distance, in [0, 2]; got {outside}.",
        pt="{call}: toda métrica registrada é uma distância cosseno média, em [0, 2]; obteve {outside}.",
        call=run.call,
        outside=outside,
    )
    _learned(run)
