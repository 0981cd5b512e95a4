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


# BEGIN HIDDEN
import math  # noqa: E402
from statistics import NormalDist  # noqa: E402

import hypothesis.strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from harness.checks import (  # noqa: E402
    expect_deterministic,
    expect_inputs_untouched,
    expect_raises,
    for_all,
)

#: ratios whose floor((1 - r) |WL|) the judge computes with a tolerance (float rounding)
RATIOS = (0.0, 0.1, 0.25, 0.3, 0.5, 0.6, 0.75, 0.9)
#: the unbiasedness z-test: seeds averaged, two-sided false-alarm rate and its critical value
UNBIASED_SEEDS, FALSE_ALARM, Z_CRITICAL = 400, 1e-4, 3.8906


def _losses_strategy() -> st.SearchStrategy:
    """Integer-valued losses (the mean often equals some of them), a ratio, a seed."""
    arrays = st.integers(1, 30).flatmap(
        lambda n: hnp.arrays(np.float64, n, elements=st.integers(0, 8).map(float))
    )
    return st.tuples(arrays, st.sampled_from(RATIOS), st.integers(0, 10_000))


def _show(example: tuple[np.ndarray, float, int]) -> str:
    losses, ratio, seed = example
    return f"infobatch_select(losses={losses.tolist()}, prune_ratio={ratio}, seed={seed})"


def _allowed_counts(ratio: float, well_learned: int) -> set[int]:
    """floor((1 - r) |WL|), either side of a float rounding at an exact integer."""
    value = (1.0 - ratio) * well_learned
    return {math.floor(value - 1e-9), math.floor(value + 1e-9)} - {-1}


def _select(ctx: CheckContext, losses: np.ndarray, ratio: float, seed: int) -> tuple[Any, ...]:
    result = ctx.student.infobatch_select(losses, ratio, seed)
    call = ctx.student.last_call
    kept, weights = _indices_and_weights(result, call)
    expect(
        bool(np.all((kept >= 0) & (kept < len(losses)))),
        en="{call}: every kept index must be in range({n}); got {kept}.",
        pt="{call}: todo índice mantido deve estar em range({n}); obteve {kept}.",
        call=call,
        n=len(losses),
        kept=kept.tolist(),
    )
    return kept, weights, call


@check("14.1", points=2, category="correctness")
def check_infobatch_keeps_hard_samples_at_weight_one(ctx: CheckContext) -> None:
    """Every example whose loss is at or above the mean is kept, with weight 1."""

    def prop(example: tuple[np.ndarray, float, int]) -> None:
        losses, ratio, seed = example
        kept, weights, call = _select(ctx, losses, ratio, seed)
        weight_of = {int(i): float(w) for i, w in zip(kept, weights)}
        hard = np.flatnonzero(losses >= losses.mean()).tolist()
        wrong = [i for i in hard if i not in weight_of or abs(weight_of[i] - 1.0) > 1e-9][:8]
        expect(
            not wrong,
            en="{call}: the mean loss is {mean:.4g}; every example with loss >= the mean (not well learned, ties included) must be kept with weight 1, but {wrong} were dropped or weighted otherwise (their weights: {got}).",
            pt="{call}: a perda média é {mean:.4g}; todo exemplo com perda >= média (não bem aprendido, empates incluídos) deve ser mantido com peso 1, mas {wrong} foram descartados ou receberam outro peso (pesos: {got}).",
            call=call,
            mean=float(losses.mean()),
            wrong=wrong,
            got=[weight_of.get(i, "dropped") for i in wrong],
        )

    prop((np.array([1.0, 2.0, 3.0, 2.0, 2.0, 0.0, 4.0]), 0.5, 3))  # ties with the mean
    prop((np.array([0.0, 4.5, 5.0, 5.0, 6.0, 5.5]), 0.9, 1))  # mean below the median
    for_all(_losses_strategy(), prop, examples=30, show=_show)


@check("14.1", points=2, category="correctness")
def check_infobatch_weights_of_kept_well_learned(ctx: CheckContext) -> None:
    """Each kept example whose loss is below the mean weighs exactly 1 / (1 - prune_ratio)."""

    def prop(example: tuple[np.ndarray, float, int]) -> None:
        losses, ratio, seed = example
        kept, weights, call = _select(ctx, losses, ratio, seed)
        low = losses[kept] < losses.mean()
        want = 1.0 / (1.0 - ratio)
        wrong = np.abs(weights[low] - want) > 1e-9 * want
        expect(
            not bool(wrong.any()),
            en="{call}: the kept well-learned examples {indices} (loss below the mean {mean:.4g}) should weigh 1 / (1 - {ratio}) = {want:.6g}; got weights {got}.",
            pt="{call}: os exemplos bem aprendidos mantidos {indices} (perda abaixo da média {mean:.4g}) deveriam pesar 1 / (1 - {ratio}) = {want:.6g}; obteve pesos {got}.",
            call=call,
            indices=kept[low][wrong][:8].tolist(),
            mean=float(losses.mean()),
            ratio=ratio,
            want=want,
            got=np.round(weights[low][wrong][:8], 6).tolist(),
        )

    prop((np.array([0.0, 1.0, 9.0, 0.5, 8.0, 0.2, 7.0, 0.1]), 0.25, 0))
    prop((np.array([0.0, 1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 10.0]), 0.3, 1))  # mean above the median
    for_all(_losses_strategy(), prop, examples=30, show=_show)


@check("14.1", points=2, category="correctness")
def check_infobatch_count_of_kept_well_learned(ctx: CheckContext) -> None:
    """Exactly floor((1 - prune_ratio) * |WL|) of the below-mean examples are kept."""

    def prop(example: tuple[np.ndarray, float, int]) -> None:
        losses, ratio, seed = example
        kept, _, call = _select(ctx, losses, ratio, seed)
        well_learned = int((losses < losses.mean()).sum())
        got = int((losses[np.unique(kept)] < losses.mean()).sum())
        allowed = _allowed_counts(ratio, well_learned)
        expect(
            got in allowed,
            en="{call}: {m} examples have a loss below the mean {mean:.4g}; exactly floor((1 - {ratio}) * {m}) = {want} of them must be kept (a random subset of that size, not each one by a coin flip), but {got} were kept.",
            pt="{call}: {m} exemplos têm perda abaixo da média {mean:.4g}; exatamente floor((1 - {ratio}) * {m}) = {want} deles devem ser mantidos (um subconjunto aleatório desse tamanho, não uma moeda por exemplo), mas {got} foram mantidos.",
            call=call,
            m=well_learned,
            mean=float(losses.mean()),
            ratio=ratio,
            want=max(allowed),
            got=got,
        )

    prop((np.array([0.0, 1.0, 9.0, 0.5, 8.0, 0.2, 7.0, 0.1, 0.3, 0.4]), 0.5, 0))
    prop((np.array([0.0, 1.0, 1.0, 2.0, 2.0, 2.0, 3.0, 10.0]), 0.3, 1))  # mean above the median
    for_all(_losses_strategy(), prop, examples=30, show=_show)


def _unbiasedness_losses() -> np.ndarray:
    """60 losses: 40 well learned in [0, 1) and 20 in [3, 5) (mean about 1.67)."""
    rng = np.random.default_rng(1414)
    losses = np.concatenate([rng.uniform(0.0, 1.0, 40), rng.uniform(3.0, 5.0, 20)])
    return rng.permutation(losses)


def _variance_of_weighted_sum(losses: np.ndarray, ratio: float) -> float:
    """Var of sum_i w_i l_i under the definition (k of the m well-learned, without replacement)
    and under independent coin flips; the test uses the larger, so it is valid for both."""
    low = losses[losses < losses.mean()]
    m, weight = len(low), 1.0 / (1.0 - ratio)
    k = math.floor((1.0 - ratio) * m + 1e-9)
    without_replacement = (
        weight**2 * k * (m - k) / (m * (m - 1)) * float(((low - low.mean()) ** 2).sum())
    )
    coin_flips = weight**2 * ratio * (1.0 - ratio) * float((low**2).sum())
    return max(without_replacement, coin_flips)


@check("14.1", points=2, category="correctness")
def check_infobatch_unbiased_over_seeds(ctx: CheckContext) -> None:
    """The judge averages sum_i w_i l_i over 400 seeds and z-tests it against sum_i l_i."""
    losses, ratio = _unbiasedness_losses(), 0.25
    totals = []
    for seed in range(UNBIASED_SEEDS):
        kept, weights, call = _select(ctx, losses, ratio, seed)
        totals.append(float(np.dot(weights, losses[kept])))
    mean, target = float(np.mean(totals)), float(losses.sum())
    standard_error = math.sqrt(_variance_of_weighted_sum(losses, ratio) / UNBIASED_SEEDS)
    z = (mean - target) / standard_error
    expect(
        abs(z) <= Z_CRITICAL,
        en="{call} for seed = 0..{last} (60 losses, 40 of them below the mean, prune_ratio 0.25): the average of the weighted loss sum_j weights[j] * losses[kept_indices[j]] is {mean:.4f}, but the full loss sum is {target:.4f} (z = {z:.1f}; with the rescaling the selection is unbiased, and this two-sided z-test, with the variance derived from the definition, fails a correct solution with probability {alarm}).",
        pt="{call} para seed = 0..{last} (60 perdas, 40 abaixo da média, prune_ratio 0.25): a média da perda ponderada sum_j weights[j] * losses[kept_indices[j]] é {mean:.4f}, mas a soma das perdas é {target:.4f} (z = {z:.1f}; com a reescala a seleção é sem viés, e este teste z bilateral, com a variância derivada da definição, reprova uma solução correta com probabilidade {alarm}).",
        call=call,
        last=UNBIASED_SEEDS - 1,
        mean=mean,
        target=target,
        z=z,
        alarm=FALSE_ALARM,
    )


@check(
    "14.1", points=1, category="shape", requires=check_infobatch_keeps_hard_samples_at_weight_one
)
def check_infobatch_indices_sorted_and_unique(ctx: CheckContext) -> None:
    """kept_indices is strictly increasing (sorted, no repeats)."""

    def prop(example: tuple[np.ndarray, float, int]) -> None:
        losses, ratio, seed = example
        kept, _, call = _select(ctx, losses, ratio, seed)
        expect(
            bool(np.all(np.diff(kept) > 0)),
            en="{call}: kept_indices must be sorted ascending with no repeats; got {kept}.",
            pt="{call}: kept_indices deve estar em ordem crescente e sem repetições; obteve {kept}.",
            call=call,
            kept=kept.tolist(),
        )

    prop((np.array([0.0, 1.0, 9.0, 0.5, 8.0, 0.2, 7.0, 0.1, 0.3, 0.4]), 0.5, 0))
    for_all(_losses_strategy(), prop, examples=20, show=_show)


@check(
    "14.1",
    points=1,
    category="correctness",
    requires=check_infobatch_keeps_hard_samples_at_weight_one,
)
def check_infobatch_zero_ratio_keeps_everything(ctx: CheckContext) -> None:
    """prune_ratio = 0: every index is kept with weight 1."""
    losses = ctx.rng.uniform(0.0, 3.0, size=25)
    kept, weights, call = _select(ctx, losses, 0.0, 5)
    expect(
        kept.tolist() == list(range(25)) and bool(np.all(np.abs(weights - 1.0) < 1e-12)),
        en="{call}: with prune_ratio 0 nothing is pruned: kept_indices must be 0..24 and every weight 1; got kept_indices={kept} and weights={weights}.",
        pt="{call}: com prune_ratio 0 nada é podado: kept_indices deve ser 0..24 e todo peso 1; obteve kept_indices={kept} e weights={weights}.",
        call=call,
        kept=kept.tolist(),
        weights=np.round(weights, 4).tolist(),
    )


@check(
    "14.1",
    points=1,
    category="robustness",
    requires=check_infobatch_weights_of_kept_well_learned,
)
def check_infobatch_rejects_ratio_outside_range(ctx: CheckContext) -> None:
    """prune_ratio 1 (division by zero), above 1 and negative raise ValueError."""
    losses = ctx.rng.uniform(0.0, 3.0, size=12)
    for ratio in (1.0, 1.5, -0.1):
        expect_raises("ValueError", ctx.student.infobatch_select, losses, ratio, 0)


@check(
    "14.1", points=1, category="correctness", requires=check_infobatch_count_of_kept_well_learned
)
def check_infobatch_deterministic(ctx: CheckContext) -> None:
    """The same seed gives the same selection."""
    expect_deterministic(ctx.student.infobatch_select, ctx.rng.uniform(0.0, 3.0, size=40), 0.5, 7)


@check(
    "14.1", points=1, category="correctness", requires=check_infobatch_count_of_kept_well_learned
)
def check_infobatch_seed_changes_selection(ctx: CheckContext) -> None:
    """Five seeds do not all keep the same well-learned examples (the draw follows the seed)."""
    losses = ctx.rng.uniform(0.0, 3.0, size=40)
    selections = set()
    for seed in range(5):
        kept, _, call = _select(ctx, losses, 0.5, seed)
        selections.add(tuple(kept.tolist()))
    expect(
        len(selections) > 1,
        en="{call}: seeds 0 to 4 all kept the same examples; about half of the {m} well-learned examples are drawn at random, so different seeds must (almost surely) draw different subsets: use the seed argument.",
        pt="{call}: as sementes 0 a 4 mantiveram os mesmos exemplos; cerca de metade dos {m} exemplos bem aprendidos é sorteada, então sementes diferentes devem (quase certamente) sortear subconjuntos diferentes: use o argumento seed.",
        call=call,
        m=int((losses < losses.mean()).sum()),
    )


@check(
    "14.1",
    points=1,
    category="side-effects",
    requires=check_infobatch_keeps_hard_samples_at_weight_one,
)
def check_infobatch_leaves_losses_untouched(ctx: CheckContext) -> None:
    expect_inputs_untouched(ctx.student.infobatch_select, ctx.rng.uniform(0.0, 3.0, 30), 0.5, 0)


# ---------------------------------------------------------------------------------------------
# 14.2

#: (n, ratio): k = round(ratio * n) is 3, 9 (floor 8), 11, 19 (floor 18), 6, 5 and 20 (all)
CONFIGS = ((10, 0.3), (30, 0.29), (37, 0.3), (45, 0.42), (24, 0.25), (50, 0.1), (20, 1.0))
#: uniformity: n, ratio (k = 14, so a pass ends with a remainder), epochs, false-alarm rate
UNIFORM_N, UNIFORM_RATIO, UNIFORM_EPOCHS, UNIFORM_ALARM = 50, 0.28, 400, 1e-4


def _k(n: int, ratio: float) -> int:
    return max(1, round(ratio * n))


def _plan(ctx: CheckContext, n: int, ratio: float, epochs: int, seed: int) -> tuple[Any, str]:
    schedule = _schedule(ctx.student.rs2_schedule(n, ratio, epochs, seed), ctx.student.last_call)
    return schedule, ctx.student.last_call


@check("14.2", points=2, category="correctness")
def check_rs2_full_coverage(ctx: CheckContext) -> None:
    """The first ceil(n / k) epochs together use every example (the walk through a permutation)."""
    for n, ratio in CONFIGS:
        for seed in (0, 1, 2):
            passes = math.ceil(n / _k(n, ratio))
            schedule, call = _plan(ctx, n, ratio, passes + 1, seed)
            seen = {int(i) for epoch in schedule[:passes] for i in epoch}
            missing = sorted(set(range(n)) - seen)
            expect(
                not missing,
                en="{call}: k = round({ratio} * {n}) = {k}, so the first ceil({n} / {k}) = {passes} epochs must cover every example (RS2 without replacement walks through a permutation), but {missing} were never used.",
                pt="{call}: k = round({ratio} * {n}) = {k}, então as {passes} = ceil({n} / {k}) primeiras épocas devem cobrir todos os exemplos (RS2 sem reposição percorre uma permutação), mas {missing} nunca foram usados.",
                call=call,
                ratio=ratio,
                n=n,
                k=_k(n, ratio),
                passes=passes,
                missing=missing[:10],
            )


@check("14.2", points=2, category="correctness", requires=check_rs2_full_coverage)
def check_rs2_epoch_sizes(ctx: CheckContext) -> None:
    """`epochs` arrays, each of k = max(1, round(ratio * n)) indices."""
    for n, ratio in CONFIGS:
        schedule, call = _plan(ctx, n, ratio, 5, 0)
        sizes = [len(epoch) for epoch in schedule]
        expect(
            sizes == [_k(n, ratio)] * 5,
            en="{call}: expected 5 epochs of k = round({ratio} * {n}) = {k} indices each; got sizes {sizes}.",
            pt="{call}: esperava 5 épocas de k = round({ratio} * {n}) = {k} índices cada; obteve tamanhos {sizes}.",
            call=call,
            ratio=ratio,
            n=n,
            k=_k(n, ratio),
            sizes=sizes,
        )


@check("14.2", points=1, category="correctness", requires=check_rs2_full_coverage)
def check_rs2_epoch_indices_valid_and_distinct(ctx: CheckContext) -> None:
    """Within an epoch, indices are in range(n) and none repeats (sampling without replacement)."""
    for n, ratio in CONFIGS:
        schedule, call = _plan(ctx, n, ratio, 3 * math.ceil(n / _k(n, ratio)) + 1, 1)
        for number, epoch in enumerate(schedule):
            values = epoch.tolist()
            expect(
                len(set(values)) == len(values) and all(0 <= i < n for i in values),
                en="{call}: epoch {number} is {epoch}; each epoch must hold distinct indices in range({n}) (no repeat within an epoch, also where one pass of the permutation ends and the next begins).",
                pt="{call}: a época {number} é {epoch}; cada época deve ter índices distintos em range({n}) (sem repetição dentro da época, inclusive onde uma passada da permutação termina e a seguinte começa).",
                call=call,
                number=number,
                epoch=values,
                n=n,
            )


@check("14.2", points=1, category="correctness", requires=check_rs2_full_coverage)
def check_rs2_no_repeat_before_all_seen(ctx: CheckContext) -> None:
    """The first n // k epochs are pairwise disjoint (no example twice within a pass)."""
    for n, ratio in CONFIGS[:-1]:
        full = n // _k(n, ratio)
        schedule, call = _plan(ctx, n, ratio, full, 2)
        used = [int(i) for epoch in schedule for i in epoch]
        repeated = sorted({i for i in used if used.count(i) > 1})
        expect(
            not repeated,
            en="{call}: the first {n} // {k} = {full} epochs walk through one permutation and must be disjoint, but {repeated} appear more than once.",
            pt="{call}: as {full} = {n} // {k} primeiras épocas percorrem uma permutação e devem ser disjuntas, mas {repeated} aparecem mais de uma vez.",
            call=call,
            n=n,
            k=_k(n, ratio),
            full=full,
            repeated=repeated[:10],
        )


@check("14.2", points=1, category="correctness", requires=check_rs2_full_coverage)
def check_rs2_epochs_differ(ctx: CheckContext) -> None:
    """Consecutive epochs use different subsets (a fresh subset every epoch)."""
    schedule, call = _plan(ctx, 37, 0.3, 12, 3)
    same = [e for e in range(1, len(schedule)) if set(schedule[e]) == set(schedule[e - 1])]
    expect(
        not same,
        en="{call}: epochs {same} use the same subset as the epoch before; RS2 draws a different subset every epoch.",
        pt="{call}: as épocas {same} usam o mesmo subconjunto da época anterior; o RS2 sorteia um subconjunto diferente a cada época.",
        call=call,
        same=same,
    )


@check("14.2", points=1, category="correctness", requires=check_rs2_full_coverage)
def check_rs2_deterministic(ctx: CheckContext) -> None:
    """The same seed gives the same plan."""
    expect_deterministic(ctx.student.rs2_schedule, 30, 0.29, 8, 11)


@check("14.2", points=1, category="correctness", requires=check_rs2_full_coverage)
def check_rs2_seed_changes_schedule(ctx: CheckContext) -> None:
    """Different seeds give different plans."""
    first, call = _plan(ctx, 30, 0.29, 4, 0)
    second, _ = _plan(ctx, 30, 0.29, 4, 1)
    expect(
        any(a.tolist() != b.tolist() for a, b in zip(first, second)),
        en="{call} and the same call with seed=1 returned the same plan; the permutation must be drawn from the seed argument.",
        pt="{call} e a mesma chamada com seed=1 devolveram o mesmo plano; a permutação deve ser sorteada a partir do argumento seed.",
        call=call,
    )


def _frequency_bound(epochs: int, p: float, n: int, alarm: float) -> float:
    """Half-width of the Bonferroni band for n binomial(epochs, p) counts at total ``alarm``."""
    z = NormalDist().inv_cdf(1.0 - alarm / (2 * n))
    return z * math.sqrt(epochs * p * (1.0 - p))


@check("14.2", points=2, category="correctness", requires=check_rs2_full_coverage)
def check_rs2_uniform_frequencies(ctx: CheckContext) -> None:
    """Over 400 epochs every example is used in a fraction ~ k / n of them."""
    n, ratio, epochs = UNIFORM_N, UNIFORM_RATIO, UNIFORM_EPOCHS
    schedule, call = _plan(ctx, n, ratio, epochs, 4)
    counts = np.bincount(
        np.concatenate([e[(e >= 0) & (e < n)] for e in schedule]).astype(np.int64), minlength=n
    )
    p = _k(n, ratio) / n
    bound = _frequency_bound(epochs, p, n, UNIFORM_ALARM)
    far = np.flatnonzero(np.abs(counts - epochs * p) > bound)
    expect(
        len(far) == 0,
        en="{call}: each example should be used in about {p:.2f} x {epochs} = {expected:.0f} epochs (k / n = {k}/{n}); examples {far} were used {got} times, outside {expected:.0f} +- {bound:.1f} (a Bonferroni z-band over the {n} counts, as if each epoch were an independent uniform draw; a correct plan falls outside it with probability at most {alarm}).",
        pt="{call}: cada exemplo deveria ser usado em cerca de {p:.2f} x {epochs} = {expected:.0f} épocas (k / n = {k}/{n}); os exemplos {far} foram usados {got} vezes, fora de {expected:.0f} +- {bound:.1f} (uma faixa z de Bonferroni sobre as {n} contagens, como se cada época fosse um sorteio uniforme independente; um plano correto cai fora dela com probabilidade no máximo {alarm}).",
        call=call,
        p=p,
        epochs=epochs,
        expected=epochs * p,
        k=_k(n, ratio),
        n=n,
        far=far[:10].tolist(),
        got=counts[far][:10].tolist(),
        bound=bound,
        alarm=UNIFORM_ALARM,
    )


@check("14.2", points=1, category="robustness", requires=check_rs2_epoch_sizes)
def check_rs2_rejects_ratio_outside_range(ctx: CheckContext) -> None:
    """ratio 0, negative or above 1 raises ValueError."""
    for ratio in (0.0, -0.2, 1.5):
        expect_raises("ValueError", ctx.student.rs2_schedule, 20, ratio, 3, 0)


# END HIDDEN
