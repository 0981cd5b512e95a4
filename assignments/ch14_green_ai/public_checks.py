# Public checks for ch14_green_ai, released by `grade release` (do not edit).
# Run them with:  grade check ch14_green_ai ch14_green_ai.py
"""Grader for ch14_green_ai (PCS 5022, chapter 14: Green AI, data pruning).

Both functions only choose indices (and weights), so the judge checks the selection itself on
loss vectors and sizes it generates, never a trained model. 14.1 (InfoBatch) is checked against
its definition on generated loss vectors (integer-valued, so the mean ties with some losses and
``<`` differs from ``<=``), and for unbiasedness the judge itself averages the weighted loss over
400 seeds and runs a z-test whose variance it derives from the definition (false-alarm rate
1e-4). 14.2 (RS2 without replacement) is checked for sizes, coverage within ceil(n / k) epochs,
no repeat before a pass ends, and uniform frequencies over 400 epochs (a Bonferroni z-test with
a stated false-alarm rate). Every invariance, side-effect, determinism and robustness check
requires the function's correctness check, so a function that selects nothing earns nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from harness.checks import (
    Array,
    CheckContext,
    GraderSettings,
    ListOf,
    Text,
    Tuple,
    as_array,
    check,
    expect,
    refine,
    rubric,
)

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=20.0, submission_budget_s=120.0)

#: what the statement fixes: 1-D integer indices and 1-D weights; a list of 1-D index arrays
CONTRACT = refine(
    infobatch_select=Tuple((Array(ndim=1, integer=True), Array(ndim=1))),
    rs2_schedule=ListOf(Array(ndim=1, integer=True)),
)

PRUNING_RESEARCH_QUESTIONS = rubric(
    "14.1",
    "pruning_research_questions",
    2,
    Text(
        en="How can an example's quality be defined before or during training (proxy scores, loss, coverage), which factors allow pruning without hurting training (redundancy, coverage, unbiased rescaling), what happens to adversarial robustness, and why does the 1/(1 - r) weight keep the expected gradient?",
        pt="Como definir a qualidade de um exemplo antes ou durante o treinamento (escores de um proxy, perda, cobertura), que fatores permitem podar sem prejudicar o treinamento (redundância, cobertura, reescala sem viés), o que acontece com a robustez adversarial, e por que o peso 1/(1 - r) mantém o gradiente esperado?",
    ),
)
RANDOM_SELECTION_RESEARCH = rubric(
    "14.2",
    "random_selection_research",
    2,
    Text(
        en="Why does repeated random selection (RS2) compete with sophisticated selection (unbiased, representative, full coverage over epochs, no proxy cost), and are some periods of training better suited to random selection or to stop pruning (early coarse learning vs. late annealing)?",
        pt="Por que a seleção aleatória repetida (RS2) compete com seleções sofisticadas (sem viés, representativa, cobertura total ao longo das épocas, sem custo de proxy), e há períodos do treinamento mais adequados à seleção aleatória ou a parar de podar (aprendizado grosseiro no início vs. annealing no fim)?",
    ),
)


def _indices_and_weights(result: Any, call: str) -> tuple[np.ndarray, np.ndarray]:
    """The (kept_indices, weights) pair as arrays of the same length, or a clear failure."""
    kept = as_array(result[0], what="kept_indices", context=call)
    weights = as_array(result[1], what="weights", context=call).astype(np.float64)
    expect(
        len(kept) == len(weights),
        en="{call}: kept_indices has {k} entries but weights has {w}; weights[j] must be the weight of kept_indices[j].",
        pt="{call}: kept_indices tem {k} entradas, mas weights tem {w}; weights[j] deve ser o peso de kept_indices[j].",
        call=call,
        k=len(kept),
        w=len(weights),
    )
    return kept.astype(np.int64), weights


def _schedule(result: Any, call: str) -> list[np.ndarray]:
    return [as_array(epoch, what="an epoch", context=call).astype(np.int64) for epoch in result]


@check("14.1", points=1, category="correctness", hidden=False)
def check_infobatch_small_example(ctx: CheckContext) -> None:
    """Mean 1.0: four examples below it (r = 0.25 keeps 3 of them at weight 4/3), four above."""
    losses = np.array([0.1, 2.0, 0.2, 1.5, 0.3, 1.2, 0.4, 2.3])
    kept, weights = _indices_and_weights(
        ctx.student.infobatch_select(losses, 0.25, 0), ctx.student.last_call
    )
    call = ctx.student.last_call
    pairs = {int(i): float(w) for i, w in zip(kept, weights)}
    hard = [1, 3, 5, 7]
    low = [i for i in (0, 2, 4, 6) if i in pairs]
    ok = (
        kept.tolist() == sorted(pairs)
        and len(pairs) == len(kept)
        and all(pairs.get(i) == 1.0 for i in hard)
        and len(low) == 3
        and all(abs(pairs[i] - 4.0 / 3.0) < 1e-9 for i in low)
        and set(pairs) <= set(range(8))
    )
    expect(
        ok,
        en="{call}: the mean loss is 1.0, so indices 1, 3, 5, 7 must be kept with weight 1 and exactly floor(0.75 * 4) = 3 of the well-learned 0, 2, 4, 6 with weight 1/(1 - 0.25) = 4/3, kept_indices sorted; got kept_indices={kept} and weights={weights}.",
        pt="{call}: a perda média é 1.0, então os índices 1, 3, 5, 7 devem ser mantidos com peso 1 e exatamente floor(0.75 * 4) = 3 dos bem aprendidos 0, 2, 4, 6 com peso 1/(1 - 0.25) = 4/3, kept_indices ordenado; obteve kept_indices={kept} e weights={weights}.",
        call=call,
        kept=kept.tolist(),
        weights=np.round(weights, 4).tolist(),
    )


@check("14.2", points=1, category="correctness", hidden=False)
def check_rs2_small_example(ctx: CheckContext) -> None:
    """n = 10, ratio 0.3: four epochs of 3 distinct indices that together cover all 10."""
    schedule = _schedule(ctx.student.rs2_schedule(10, 0.3, 4, 0), ctx.student.last_call)
    call = ctx.student.last_call
    sizes = [len(epoch) for epoch in schedule]
    seen = sorted({int(i) for epoch in schedule for i in epoch})
    expect(
        len(schedule) == 4
        and all(len(set(epoch.tolist())) == 3 == len(epoch) for epoch in schedule)
        and seen == list(range(10)),
        en="{call}: expected 4 epochs of k = round(0.3 * 10) = 3 distinct indices that together cover range(10) (ceil(10 / 3) = 4 epochs); got {got} epochs of sizes {sizes} covering {seen}.",
        pt="{call}: esperava 4 épocas de k = round(0.3 * 10) = 3 índices distintos que juntas cobrem range(10) (ceil(10 / 3) = 4 épocas); obteve {got} épocas de tamanhos {sizes} cobrindo {seen}.",
        call=call,
        got=len(schedule),
        sizes=sizes,
        seen=seen,
    )
