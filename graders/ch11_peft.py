"""Grader for ch11_peft (PCS 5022, chapter 11: parameter-efficient fine-tuning, LoRA).

Nothing the submission reports is trusted. The judge builds the base layers, finds a student's
LoRA factors by their shapes ((r, in) and (out, r), never by attribute name) with probes shipped
into the worker (``harness/probes/ch11_peft.py``), overwrites them with values of its own, and
recomputes ``W0 + (alpha / r) B A`` and the layer's output itself; it runs the optimiser steps
that must leave the base layer frozen. Rank allocations are checked for their stated properties
(budget, no room left, monotone in the scores) on generated layer sets; layer choices are checked
on networks whose layer names are drawn at grading time; merged LoRAs are compared through the
product ``B' A'`` only (the order of the centroids is free). Shape, invariance, determinism and
side-effect checks ``requires=`` the correctness check of the same function.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from harness.checks import (
    LAST_CALL,
    Array,
    CheckContext,
    GraderSettings,
    StudentRaised,
    Text,
    Tuple,
    as_array,
    check,
    describe,
    expect,
    expect_close,
    expect_shape,
    fail,
    refine,
    rubric,
)
from harness.probes import ch11_peft as probes

#: generous call budget: a LoRALinear built on the peft library imports it on first use (~7 s)
SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=40.0, submission_budget_s=120.0)

#: the statement fixes the merged factors as two matrices
CONTRACT = refine(merge_loras_by_clustering=Tuple((Array(ndim=2), Array(ndim=2))))

RANK_PER_LAYER = rubric(
    "11.1",
    "rank_per_layer",
    2,
    Text(
        en="Research question: do some layers prefer different ranks r, and how can a suitable r be set per layer (an importance measure turned into ranks under a budget, adaptive pruning as in AdaLoRA, the spectrum of a short full fine-tuning...)?",
        pt="Pergunta de pesquisa: algumas camadas preferem ranks r diferentes, e como definir um r adequado por camada (uma medida de importância convertida em ranks sob um orçamento, poda adaptativa como no AdaLoRA, o espectro de um fine-tuning completo curto...)?",
    ),
)
LAYER_CHOICE_CRITERION = rubric(
    "11.2",
    "layer_choice_criterion",
    2,
    Text(
        en="Which data-driven criterion does choose_lora_layers use, why should it pick the layers where LoRA matters most, and what are its limits?",
        pt="Qual critério baseado em dados choose_lora_layers usa, por que ele deveria escolher as camadas em que LoRA mais importa, e quais são seus limites?",
    ),
)
CENTROID_QUALITY = rubric(
    "11.3",
    "centroid_quality",
    2,
    Text(
        en="Research question: how to produce good centroids, avoid knowledge conflicts between units (norm shrinkage, opposite signs, scale ambiguity of a_i and b_i), discard irrelevant or redundant units, and use data in the merge?",
        pt="Pergunta de pesquisa: como produzir centróides de qualidade, evitar conflito de conhecimento entre unidades (encolhimento da norma, sinais opostos, ambiguidade de escala de a_i e b_i), descartar unidades irrelevantes ou redundantes, e usar dados na combinação?",
    ),
)

#: the public LoRA case: Linear(7, 5), r = 3, alpha = 6 (r, in and out distinct, so A and B are
#: told apart by their shapes)
FAN_IN, FAN_OUT, RANK, ALPHA = 7, 5, 3, 6.0


def _base_layer(fan_in: int = FAN_IN, fan_out: int = FAN_OUT, seed: int = 11) -> nn.Linear:
    """A judge-built ``nn.Linear`` with seeded weights and a non-zero bias."""
    rng = np.random.default_rng(seed)
    layer = nn.Linear(fan_in, fan_out)
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(rng.normal(0.0, 0.5, (fan_out, fan_in))))
        layer.bias.copy_(torch.from_numpy(rng.normal(0.0, 0.5, fan_out)))
    return layer


def _tensor(value: Any, what: Text | str = "the result", context: Any = LAST_CALL) -> torch.Tensor:
    """A float64 tensor of ``value`` (tensor, array or nested lists), or a failure saying why."""
    array = as_array(value, what=what, context=context)
    try:
        return torch.from_numpy(np.array(array, dtype=np.float64))
    except (TypeError, ValueError):
        fail(
            en="{what} should hold numbers; got {got}.",
            pt="{what} deveria conter números; obteve {got}.",
            what=what,
            got=describe(value),
        )
        raise


def _matrix(value: Any, shape: tuple[int, ...], what: Text | str, context: Any) -> torch.Tensor:
    """``_tensor`` of a value whose shape the statement fixes (checked before any arithmetic)."""
    tensor = _tensor(value, what, context)
    expect_shape(tensor, shape, what=what, context=context)
    return tensor


def _cost(layer_shapes: dict[str, tuple[int, int]]) -> dict[str, int]:
    return {name: int(shape[0]) + int(shape[1]) for name, shape in layer_shapes.items()}


def _expect_valid_ranks(ranks: Any, layer_shapes: dict[str, tuple[int, int]], call: str) -> None:
    """One int >= 1 per layer, no other key (what every allocation property presupposes)."""
    expect(
        isinstance(ranks, dict) and sorted(map(str, ranks)) == sorted(layer_shapes),
        en="{call}: expected one rank per layer, keys {keys}; got the keys {got}.",
        pt="{call}: esperava um rank por camada, chaves {keys}; obteve as chaves {got}.",
        call=call,
        keys=sorted(layer_shapes),
        got=sorted(map(str, ranks)) if isinstance(ranks, dict) else type(ranks).__name__,
    )
    bad = {k: v for k, v in ranks.items() if isinstance(v, bool) or not isinstance(v, int) or v < 1}
    expect(
        not bad,
        en="{call}: every rank must be an int >= 1; got {bad}.",
        pt="{call}: todo rank deve ser um int >= 1; obteve {bad}.",
        call=call,
        bad=bad,
    )


def _expect_no_room(
    ranks: dict[str, int], layer_shapes: dict[str, tuple[int, int]], budget: int, call: str
) -> None:
    cost = _cost(layer_shapes)
    used = sum(ranks[name] * cost[name] for name in layer_shapes)
    room = [name for name in sorted(layer_shapes) if used + cost[name] <= budget]
    expect(
        not room,
        en="{call}: the ranks {ranks} cost {used} of the budget {budget}, so the rank of {room} could still be raised by 1 (cost in + out each) within the budget; use the budget until no layer fits another rank.",
        pt="{call}: os ranks {ranks} custam {used} do orçamento {budget}, então o rank de {room} ainda poderia subir 1 (custo in + out cada) dentro do orçamento; use o orçamento até nenhuma camada caber mais um rank.",
        call=call,
        ranks=ranks,
        used=used,
        budget=budget,
        room=room,
    )


@check("11.1", points=1, category="correctness", hidden=False)
def check_lora_output_equals_base_at_init(ctx: CheckContext) -> None:
    """B = 0 at initialisation: the wrapped layer computes exactly what the base layer does."""
    base = _base_layer()
    x = torch.from_numpy(ctx.rng.normal(size=(4, FAN_IN)).astype(np.float32))
    layer = ctx.student.LoRALinear(base, RANK, ALPHA)
    call = ctx.student.last_function_call
    with torch.no_grad():
        expected = base(x)
    expect_close(
        layer(x),
        expected,
        what=Text(
            en="the output for x (4, 7) right after construction (it must equal base(x): B starts at zero)",
            pt="a saída para x (4, 7) logo após a construção (deve ser igual a base(x): B começa em zero)",
        ),
        atol=1e-5,
        context=call,
    )


@check("11.1", points=1, category="correctness", hidden=False)
def check_allocation_small_example(ctx: CheckContext) -> None:
    """Three layers, budget 100: ranks >= 1, within budget, and no layer fits another rank."""
    shapes = {"attn": (4, 4), "mlp_in": (4, 4), "mlp_out": (10, 6)}
    scores = {"attn": 1.0, "mlp_in": 2.0, "mlp_out": 0.5}
    ranks = ctx.student.allocate_ranks(shapes, scores, 100)
    call = ctx.student.last_function_call
    _expect_valid_ranks(ranks, shapes, call)
    used = sum(ranks[n] * c for n, c in _cost(shapes).items())
    expect(
        used <= 100,
        en="{call}: the ranks {ranks} cost {used} > budget 100.",
        pt="{call}: os ranks {ranks} custam {used} > orçamento 100.",
        call=call,
        ranks=ranks,
        used=used,
    )
    _expect_no_room(ranks, shapes, 100, call)


@check("11.2", points=1, category="correctness", hidden=False)
def check_choice_names_are_linear_layers(ctx: CheckContext) -> None:
    """On a small network with made-up names, every returned name is one of its nn.Linear."""
    model = probes.OddlyNamedNet(64, [12, 10], 10, "trunk_x", ["wq", "ffn_z"], "out_y", seed=1)
    X = torch.from_numpy(ctx.rng.normal(size=(40, 64)).astype(np.float32))
    y = torch.from_numpy((np.arange(40) % 10).astype(np.int64))
    names = ctx.student.choose_lora_layers(model, X, y, 2)
    _expect_linear_names(names, model, ctx.student.last_function_call)


def _linear_names(model: nn.Module) -> list[str]:
    return [name for name, module in model.named_modules() if isinstance(module, nn.Linear)]


def _expect_linear_names(names: Any, model: nn.Module, call: str) -> None:
    linear = _linear_names(model)
    wrong = [n for n in names if n not in linear] if isinstance(names, list) else names
    expect(
        isinstance(names, list) and bool(names) and not wrong,
        en="{call}: every returned name must be the name of an nn.Linear of the given model, as model.named_modules() spells it ({linear}); these are not: {wrong}.",
        pt="{call}: todo nome devolvido deve ser o nome de uma nn.Linear do modelo recebido, como model.named_modules() o escreve ({linear}); estes não são: {wrong}.",
        call=call,
        linear=linear,
        wrong=wrong,
    )


@check("11.3", points=1, category="correctness", hidden=False)
def check_merge_full_rank_reproduces_sum(ctx: CheckContext) -> None:
    """k = total rank, distinct units: every unit is its own centroid, so B'A' = sum B_j A_j."""
    loras = [
        (
            torch.from_numpy(ctx.rng.normal(size=(r, 6)).astype(np.float32)),
            torch.from_numpy(ctx.rng.normal(size=(4, r)).astype(np.float32)),
        )
        for r in (2, 3)
    ]
    A_merged, B_merged = ctx.student.merge_loras_by_clustering(loras, 5, 0)
    call = ctx.student.last_function_call
    _expect_product(A_merged, B_merged, _sum_of_products(loras), call, _FULL_RANK_WHAT)


_FULL_RANK_WHAT = Text(
    en="B' A' with k equal to the total rank (it must equal sum_j B_j A_j: each unit is its own cluster)",
    pt="B' A' com k igual ao rank total (deve ser igual a sum_j B_j A_j: cada unidade é um cluster)",
)


def _sum_of_products(loras: list[tuple[torch.Tensor, torch.Tensor]]) -> torch.Tensor:
    return sum(_tensor(B) @ _tensor(A) for A, B in loras)


def _product(A: Any, B: Any, call: str) -> torch.Tensor:
    """B' A' computed by the judge, once the two factors are matrices that can be multiplied."""
    A, B = _tensor(A, "A'", call), _tensor(B, "B'", call)
    expect(
        A.ndim == 2 and B.ndim == 2 and B.shape[1] == A.shape[0],
        en="{call}: B' {b} and A' {a} cannot be multiplied (B' must be m x k and A' k x n).",
        pt="{call}: B' {b} e A' {a} não podem ser multiplicadas (B' deve ser m x k e A' k x n).",
        call=call,
        a=tuple(A.shape),
        b=tuple(B.shape),
    )
    return B @ A


def _expect_product(
    A: Any, B: Any, expected: torch.Tensor, call: str, what: Text, atol: float = 1e-4
) -> None:
    product = _product(A, B, call)
    expect_shape(product, tuple(expected.shape), what=what, context=call)
    expect_close(product, expected, what=what, atol=atol, context=call)


# BEGIN HIDDEN
import hypothesis.strategies as st  # noqa: E402

from harness.checks import (  # noqa: E402
    assess_only_if,
    expect_deterministic,
    expect_inputs_untouched,
    expect_model_untouched,
    expect_raises,
    for_all,
    model_snapshot,
)

# ---------------------------------------------------------------------------------------------
# 11.1 LoRALinear


def _probe(ctx: CheckContext, probe: Any, doing: Text, *args: Any) -> dict[str, Any]:
    """Run a probe in the student's worker; its problem report fails the check in its words."""
    try:
        report = ctx.student.put(probe)(*args)
    except StudentRaised as raised:
        if raised.is_a("NotImplementedError"):
            raise
        fail(doing + Text.same(": ") + raised.explain())
    if not isinstance(report, dict):
        fail(doing + Text.same(f": unexpected probe report {type(report).__name__}"))
    if "problem" in report:
        fail(
            en="{doing}: {problem}.",
            pt="{doing}: {problem}.",
            doing=doing,
            problem=str(report["problem"]),
        )
    return report


def _factors(
    ctx: CheckContext, r: int = RANK, fan_in: int = FAN_IN, fan_out: int = FAN_OUT, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    rng = np.random.default_rng(seed)
    A = torch.from_numpy(rng.normal(0.0, 1.0, (r, fan_in)).astype(np.float32))
    B = torch.from_numpy(rng.normal(0.0, 1.0, (fan_out, r)).astype(np.float32))
    return A, B


def _lora_with_factors(
    ctx: CheckContext, base: Any, r: int, alpha: float, A: torch.Tensor, B: torch.Tensor
) -> tuple[Any, str]:
    """LoRALinear(base, r, alpha) whose (r, in) and (out, r) trainable tensors the judge set."""
    layer = ctx.student.LoRALinear(base, r, alpha)
    call = ctx.student.last_function_call
    doing = Text(
        en=f"{call}, then setting its trainable (r, in) = {tuple(A.shape)} and (out, r) = {tuple(B.shape)} tensors to the judge's A and B",
        pt=f"{call}, depois trocando seus tensores treináveis (r, in) = {tuple(A.shape)} e (out, r) = {tuple(B.shape)} pelos A e B do corretor",
    )
    _probe(ctx, probes.set_factors_by_shape, doing, layer, A, B)
    return layer, call


def _expected_weight(
    base: nn.Linear, r: int, alpha: float, A: torch.Tensor, B: torch.Tensor
) -> torch.Tensor:
    return _tensor(base.weight) + (alpha / r) * (_tensor(B) @ _tensor(A))


#: (in, out, r, alpha): r, in and out distinct in each
CASES = [(7, 5, 3, 6.0), (9, 4, 2, 1.0), (6, 11, 5, 16.0)]


@check("11.1", points=1, category="correctness")
def check_lora_merged_weight_at_init_is_base(ctx: CheckContext) -> None:
    """merged_weight() right after construction is W0 (B = 0), for several shapes and ranks."""
    for i, (fan_in, fan_out, r, alpha) in enumerate(CASES):
        base = _base_layer(fan_in, fan_out, seed=20 + i)
        layer = ctx.student.LoRALinear(base, r, alpha)
        call = ctx.student.last_function_call
        expect_close(
            layer.merged_weight(),
            base.weight.detach(),
            what=Text(
                en="merged_weight() right after construction (it must be the base weight W0: B starts at zero)",
                pt="merged_weight() logo após a construção (deve ser o peso base W0: B começa em zero)",
            ),
            atol=1e-6,
            context=call,
        )


@check("11.1", points=2, category="correctness")
def check_lora_merged_weight_formula(ctx: CheckContext) -> None:
    """With the judge's A and B: merged_weight() = W0 + (alpha / r) B A."""
    for i, (fan_in, fan_out, r, alpha) in enumerate(CASES):
        base = _base_layer(fan_in, fan_out, seed=40 + i)
        A, B = _factors(ctx, r, fan_in, fan_out, seed=i)
        layer, call = _lora_with_factors(ctx, base, r, alpha, A, B)
        expect_close(
            layer.merged_weight(),
            _expected_weight(base, r, alpha, A, B),
            what=Text(
                en=f"merged_weight() after A and B were set (expected W0 + (alpha / r) B A with alpha / r = {alpha / r:g})",
                pt=f"merged_weight() depois de A e B serem trocados (esperado W0 + (alpha / r) B A com alpha / r = {alpha / r:g})",
            ),
            atol=1e-4,
            context=call,
        )


@check("11.1", points=2, category="shape", requires=check_lora_merged_weight_formula)
def check_lora_trainable_tensors(ctx: CheckContext) -> None:
    """Exactly two trainable tensors, shapes (r, in) and (out, r): r * (in + out) parameters."""
    for i, (fan_in, fan_out, r, alpha) in enumerate(CASES):
        layer = ctx.student.LoRALinear(_base_layer(fan_in, fan_out, seed=30 + i), r, alpha)
        call = ctx.student.last_function_call
        shapes = ctx.student.put(probes.trainable_shapes)(layer)
        expected = sorted([[r, fan_in], [fan_out, r]])
        expect(
            isinstance(shapes, list) and sorted(map(list, shapes)) == expected,
            en="{call}: the module's trainable tensors (requires_grad=True in .parameters()) should be exactly two, of shapes {expected}, that is {count} = r * (in + out) parameters; they have shapes {shapes} ({got} parameters). The base weight and bias must be frozen.",
            pt="{call}: os tensores treináveis do módulo (requires_grad=True em .parameters()) deveriam ser exatamente dois, de formas {expected}, isto é {count} = r * (in + out) parâmetros; eles têm formas {shapes} ({got} parâmetros). O peso e o viés da camada base devem ficar congelados.",
            call=call,
            expected=[tuple(s) for s in expected],
            count=r * (fan_in + fan_out),
            shapes=[tuple(s) for s in shapes] if isinstance(shapes, list) else shapes,
            got=int(sum(np.prod(s) for s in shapes)) if isinstance(shapes, list) else "?",
        )


@check("11.1", points=2, category="correctness")
def check_lora_forward_uses_merged_weight(ctx: CheckContext) -> None:
    """With the judge's A and B: forward(x) = x (W0 + (alpha / r) B A)^T + b."""
    for i, (fan_in, fan_out, r, alpha) in enumerate(CASES):
        base = _base_layer(fan_in, fan_out, seed=50 + i)
        A, B = _factors(ctx, r, fan_in, fan_out, seed=10 + i)
        layer, call = _lora_with_factors(ctx, base, r, alpha, A, B)
        x = torch.from_numpy(ctx.rng.normal(size=(6, fan_in)).astype(np.float32))
        expected = _tensor(x) @ _expected_weight(base, r, alpha, A, B).T + _tensor(base.bias)
        expect_close(
            layer(x),
            expected,
            what=Text(
                en=f"the output for x (6, {fan_in}) after A and B were set (expected x (W0 + (alpha / r) B A)^T + b, with the base layer's bias)",
                pt=f"a saída para x (6, {fan_in}) depois de A e B serem trocados (esperado x (W0 + (alpha / r) B A)^T + b, com o viés da camada base)",
            ),
            atol=1e-4,
            context=call,
        )


@check("11.1", points=1, category="correctness")
def check_lora_scaling_is_alpha_over_r(ctx: CheckContext) -> None:
    """Same A and B, alpha doubled: merged_weight() - W0 doubles; r doubled (A, B padded with
    zeros): it halves."""
    base = _base_layer(seed=60)
    A, B = _factors(ctx, seed=21)
    deltas = []
    for alpha in (ALPHA, 2 * ALPHA):
        layer, call = _lora_with_factors(ctx, base, RANK, alpha, A, B)
        merged = _matrix(layer.merged_weight(), (FAN_OUT, FAN_IN), "merged_weight()", call)
        deltas.append(merged - _tensor(base.weight))
    assess_only_if(
        float(deltas[0].abs().max()) > 1e-6,
        en="{call}: merged_weight() - W0 is zero with A and B set to non-zero values, so the scaling cannot be assessed.",
        pt="{call}: merged_weight() - W0 é zero com A e B não nulos, então a escala não pode ser avaliada.",
        call=call,
    )
    expect_close(
        deltas[1],
        2 * deltas[0],
        what=Text(
            en=f"merged_weight() - W0 with alpha = {2 * ALPHA:g}, compared with twice its value at alpha = {ALPHA:g} (same A and B, r = {RANK}; the scaling is alpha / r)",
            pt=f"merged_weight() - W0 com alpha = {2 * ALPHA:g}, comparado ao dobro do valor com alpha = {ALPHA:g} (mesmos A e B, r = {RANK}; a escala é alpha / r)",
        ),
        atol=1e-4,
        context=call,
    )
    wide_A = torch.cat([A, torch.zeros_like(A)])
    wide_B = torch.cat([B, torch.zeros_like(B)], dim=1)
    layer, call = _lora_with_factors(ctx, base, 2 * RANK, ALPHA, wide_A, wide_B)
    expect_close(
        _matrix(layer.merged_weight(), (FAN_OUT, FAN_IN), "merged_weight()", call)
        - _tensor(base.weight),
        deltas[0] / 2,
        what=Text(
            en=f"merged_weight() - W0 with r = {2 * RANK} (A and B padded with zero rows/columns, so B A is the same), compared with half its value at r = {RANK} (same alpha; the scaling is alpha / r)",
            pt=f"merged_weight() - W0 com r = {2 * RANK} (A e B completados com linhas/colunas zero, então B A é o mesmo), comparado à metade do valor com r = {RANK} (mesmo alpha; a escala é alpha / r)",
        ),
        atol=1e-4,
        context=call,
    )


@check("11.1", points=1, category="correctness", requires=check_lora_output_equals_base_at_init)
def check_lora_gradient_reaches_b_at_init(ctx: CheckContext) -> None:
    """At initialisation the gradient with respect to B is non-zero (A must not start at zero)."""
    layer = ctx.student.LoRALinear(_base_layer(seed=70), RANK, ALPHA)
    call = ctx.student.last_function_call
    x = torch.from_numpy(ctx.rng.normal(size=(8, FAN_IN)).astype(np.float32))
    doing = Text(
        en=f"{call}, then one backward pass of a regression loss on x (8, {FAN_IN})",
        pt=f"{call}, depois uma passada backward de uma perda de regressão em x (8, {FAN_IN})",
    )
    report = _probe(ctx, probes.gradient_norms_at_init, doing, layer, x, 0)
    norms = {tuple(s): n for s, n in zip(report["shapes"], report["norms"], strict=True)}
    expect(
        norms.get((FAN_OUT, RANK), 0.0) > 1e-6,
        en="{doing}: the gradient of the (out, r) = {shape} tensor B is {norm}; at initialisation B = 0 but A must be random and non-zero, otherwise no gradient ever reaches B and LoRA cannot learn.",
        pt="{doing}: o gradiente do tensor B (out, r) = {shape} é {norm}; na inicialização B = 0, mas A deve ser aleatório e não nulo, senão nenhum gradiente chega a B e o LoRA não aprende.",
        doing=doing,
        shape=(FAN_OUT, RANK),
        norm=norms.get((FAN_OUT, RANK), "missing"),
    )


@check("11.1", points=2, category="correctness", requires=check_lora_merged_weight_formula)
def check_lora_base_frozen_under_training(ctx: CheckContext) -> None:
    """After SGD steps over all of module.parameters(), W0 and b are still the base layer's."""
    base = _base_layer(seed=80)
    layer = ctx.student.LoRALinear(base, RANK, ALPHA)
    call = ctx.student.last_function_call
    x = torch.from_numpy(ctx.rng.normal(size=(16, FAN_IN)).astype(np.float32))
    doing = Text(
        en=f"{call}, then 5 SGD steps (lr 0.05) over all of its .parameters()",
        pt=f"{call}, depois 5 passos de SGD (lr 0.05) sobre todos os seus .parameters()",
    )
    _probe(ctx, probes.optimiser_steps, doing, layer, x, 5, 0.05, 0)
    factors = _probe(ctx, probes.factors_by_shape, doing, layer, RANK, FAN_IN, FAN_OUT)
    A, B = _tensor(factors["A"]), _tensor(factors["B"])
    assess_only_if(
        float(B.abs().max()) > 1e-8,
        en="{doing}: B is still zero, so the steps trained nothing and frozenness cannot be assessed.",
        pt="{doing}: B continua zero, então os passos não treinaram nada e o congelamento não pode ser avaliado.",
        doing=doing,
    )
    W0 = _tensor(base.weight)
    expect_close(
        _matrix(layer.merged_weight(), (FAN_OUT, FAN_IN), "merged_weight()", doing)
        - (ALPHA / RANK) * (B @ A),
        W0,
        what=Text(
            en="merged_weight() - (alpha / r) B A after the steps (the frozen base weight W0 must not have moved)",
            pt="merged_weight() - (alpha / r) B A depois dos passos (o peso base congelado W0 não pode ter mudado)",
        ),
        atol=1e-4,
        context=doing,
    )
    merged = _matrix(layer.merged_weight(), (FAN_OUT, FAN_IN), "merged_weight()", doing)
    expect_close(
        _matrix(layer(x), (len(x), FAN_OUT), "forward(x)", doing) - _tensor(x) @ merged.T,
        _tensor(base.bias).expand(len(x), -1),
        what=Text(
            en="forward(x) - x merged_weight()^T after the steps (the frozen base bias must not have moved)",
            pt="forward(x) - x merged_weight()^T depois dos passos (o viés base congelado não pode ter mudado)",
        ),
        atol=1e-4,
        context=doing,
    )


@check("11.1", points=1, category="robustness", requires=check_lora_merged_weight_formula)
def check_lora_rank_below_one_raises(ctx: CheckContext) -> None:
    for r in (0, -2):
        expect_raises("ValueError", ctx.student.LoRALinear, _base_layer(), r, ALPHA)


@check("11.1", points=1, category="side-effects", requires=check_lora_forward_uses_merged_weight)
def check_lora_leaves_base_layer_values_untouched(ctx: CheckContext) -> None:
    """The given layer's weight and bias keep their values through construction, forward and
    merged_weight() (freezing its requires_grad is allowed)."""
    base = ctx.student.put(_base_layer(seed=90))
    before = model_snapshot(base)
    A, B = _factors(ctx, seed=31)
    layer, call = _lora_with_factors(ctx, base, RANK, ALPHA, A, B)
    x = torch.from_numpy(ctx.rng.normal(size=(4, FAN_IN)).astype(np.float32))
    layer(x)
    layer.merged_weight()
    layer(x)
    expect_model_untouched(base, before, context=call, modes=False, hooks=False, flags=False)


# ---------------------------------------------------------------------------------------------
# 11.1 allocate_ranks

SHAPE_POOL = [(4, 4), (8, 3), (6, 10), (12, 12)]


@st.composite
def _allocation_case(draw: Any) -> tuple[dict[str, tuple[int, int]], dict[str, float], int]:
    n = draw(st.integers(1, 6))
    shapes = {f"layer{i}": SHAPE_POOL[draw(st.integers(0, len(SHAPE_POOL) - 1))] for i in range(n)}
    scores = {name: draw(st.integers(0, 12)) / 4.0 for name in shapes}
    minimum = sum(_cost(shapes).values())
    budget = minimum + draw(st.integers(0, 5 * minimum))
    return shapes, scores, budget


def _allocate(
    ctx: CheckContext, case: tuple[dict[str, tuple[int, int]], dict[str, float], int]
) -> tuple[dict[str, int], str]:
    shapes, scores, budget = case
    ranks = ctx.student.allocate_ranks(shapes, scores, budget)
    call = ctx.student.last_function_call
    _expect_valid_ranks(ranks, shapes, call)
    return ranks, call


#: a fixed case where ignoring the scores shows: same shapes, scores in reverse dict order
SCORED_CASE = (
    {"a": (4, 4), "b": (4, 4), "c": (4, 4), "d": (6, 10)},
    {"a": 0.5, "b": 1.0, "c": 3.0, "d": 1.0},
    8 * 3 + 16 + 8 * 4 + 3,
)


def _used(ranks: dict[str, int], layer_shapes: dict[str, tuple[int, int]]) -> int:
    return sum(ranks[name] * c for name, c in _cost(layer_shapes).items())


@check("11.1", points=2, category="correctness")
def check_allocation_leaves_no_room(ctx: CheckContext) -> None:
    """No layer could get +1 rank within the budget (generated cases). Assessed when the fixed
    case's allocation is within its budget: over it, nothing fits and the property says nothing
    (check_allocation_within_budget judges that)."""
    ranks, call = _allocate(ctx, SCORED_CASE)
    used = _used(ranks, SCORED_CASE[0])
    assess_only_if(
        used <= SCORED_CASE[2],
        en="{call}: the ranks {ranks} cost {used}, over the budget {budget}, so whether the budget is used up cannot be assessed.",
        pt="{call}: os ranks {ranks} custam {used}, acima do orçamento {budget}, então não dá para avaliar se o orçamento foi aproveitado.",
        call=call,
        ranks=ranks,
        used=used,
        budget=SCORED_CASE[2],
    )

    def prop(case: Any) -> None:
        ranks, call = _allocate(ctx, case)
        _expect_no_room(ranks, case[0], case[2], call)

    prop(SCORED_CASE)
    for_all(_allocation_case(), prop, examples=25)


@check("11.1", points=2, category="correctness")
def check_allocation_within_budget(ctx: CheckContext) -> None:
    """sum r_l (in_l + out_l) <= budget (generated cases). Assessed when the fixed case, whose
    budget allows more, gets some rank above 1 (rank 1 everywhere is always within budget)."""
    ranks, call = _allocate(ctx, SCORED_CASE)
    assess_only_if(
        any(r > 1 for r in ranks.values()),
        en="{call}: every rank is 1 although the budget {budget} allows more, so nothing was allocated and the budget constraint cannot be assessed.",
        pt="{call}: todo rank é 1 embora o orçamento {budget} permita mais, então nada foi alocado e o limite do orçamento não pode ser avaliado.",
        call=call,
        budget=SCORED_CASE[2],
    )

    def prop(case: Any) -> None:
        ranks, call = _allocate(ctx, case)
        used = _used(ranks, case[0])
        expect(
            used <= case[2],
            en="{call}: the ranks {ranks} cost {used} LoRA parameters, more than the budget {budget}.",
            pt="{call}: os ranks {ranks} custam {used} parâmetros LoRA, mais que o orçamento {budget}.",
            call=call,
            ranks=ranks,
            used=used,
            budget=case[2],
        )

    prop(SCORED_CASE)
    for_all(_allocation_case(), prop, examples=25)


@check("11.1", points=2, category="correctness", requires=check_allocation_leaves_no_room)
def check_allocation_follows_scores(ctx: CheckContext) -> None:
    """Among layers of the same shape, a strictly higher score never gets a smaller rank."""

    def prop(case: Any) -> None:
        shapes, scores, _ = case
        ranks, call = _allocate(ctx, case)
        wrong = [
            (a, b)
            for a in shapes
            for b in shapes
            if shapes[a] == shapes[b] and scores[a] > scores[b] and ranks[a] < ranks[b]
        ]
        expect(
            not wrong,
            en="{call}: the ranks {ranks} do not follow the scores: {a} has the same shape as {b} and a higher score, but a smaller rank.",
            pt="{call}: os ranks {ranks} não seguem as importâncias: {a} tem a mesma forma de {b} e importância maior, mas rank menor.",
            call=call,
            ranks=ranks,
            a=wrong[0][0] if wrong else "",
            b=wrong[0][1] if wrong else "",
        )

    prop(SCORED_CASE)
    for_all(_allocation_case(), prop, examples=25)


@check("11.1", points=1, category="robustness", requires=check_allocation_leaves_no_room)
def check_allocation_budget_too_small_raises(ctx: CheckContext) -> None:
    shapes = {"q": (8, 8), "v": (8, 8), "ffn": (6, 10)}
    expect_raises("ValueError", ctx.student.allocate_ranks, shapes, dict.fromkeys(shapes, 1.0), 47)


# ---------------------------------------------------------------------------------------------
# 11.2 choose_lora_layers

LETTERS = list("abcdefghijklmnopqrstuvwxyz")


def _odd_name(ctx: CheckContext) -> str:
    return (
        "".join(ctx.rng.choice(LETTERS, size=3))
        + "_"
        + "".join(ctx.rng.choice(LETTERS + list("0123456789"), size=4))
    )


def _odd_net(ctx: CheckContext, blocks: int, seed: int) -> nn.Module:
    names = [_odd_name(ctx) for _ in range(blocks + 2)]
    widths = [int(w) for w in ctx.rng.integers(8, 20, size=blocks)]
    return probes.OddlyNamedNet(64, widths, 10, names[0], names[1:-1], names[-1], seed=seed)


def _choice_data(n: int = 120) -> tuple[torch.Tensor, torch.Tensor]:
    """n synthetic rows (64 features) labelled by a random linear teacher over 10 classes."""
    rng = np.random.default_rng(112)
    X = rng.normal(size=(n, 64)).astype(np.float32)
    y = (X @ rng.normal(size=(64, 10))).argmax(axis=1)
    return torch.from_numpy(X), torch.from_numpy(y.astype(np.int64))


@check("11.2", points=2, category="correctness")
def check_choice_valid_on_unseen_names(ctx: CheckContext) -> None:
    """Networks whose container, block and head names are drawn now: only their Linear names."""
    X, y = _choice_data()
    for blocks, k in ((3, 2), (4, 1), (2, 3)):
        model = _odd_net(ctx, blocks, seed=blocks)
        names = ctx.student.choose_lora_layers(model, X, y, k)
        _expect_linear_names(names, model, ctx.student.last_function_call)


@check("11.2", points=1, category="shape", requires=check_choice_valid_on_unseen_names)
def check_choice_returns_k_distinct_names(ctx: CheckContext) -> None:
    X, y = _choice_data()
    model = _odd_net(ctx, 4, seed=5)
    for k in (1, 3, 5):
        names = ctx.student.choose_lora_layers(model, X, y, k)
        call = ctx.student.last_function_call
        expect(
            isinstance(names, list) and len(names) == k and len(set(names)) == k,
            en="{call}: expected {k} distinct layer names; got {names}.",
            pt="{call}: esperava {k} nomes de camadas distintos; obteve {names}.",
            call=call,
            k=k,
            names=names,
        )


@check("11.2", points=1, category="correctness", requires=check_choice_valid_on_unseen_names)
def check_choice_deterministic(ctx: CheckContext) -> None:
    X, y = _choice_data()
    expect_deterministic(ctx.student.choose_lora_layers, _odd_net(ctx, 4, seed=6), X, y, 2)


@check("11.2", points=1, category="side-effects", requires=check_choice_valid_on_unseen_names)
def check_choice_leaves_model_untouched(ctx: CheckContext) -> None:
    """Parameters, buffers, requires_grad, train/eval modes, hooks, no stray .grad."""
    X, y = _choice_data()
    model = ctx.student.put(_odd_net(ctx, 3, seed=7).train())
    before = model_snapshot(model)
    ctx.student.choose_lora_layers(model, X, y, 2)
    expect_model_untouched(model, before)


@check("11.2", points=1, category="robustness", requires=check_choice_valid_on_unseen_names)
def check_choice_invalid_k_raises(ctx: CheckContext) -> None:
    X, y = _choice_data()
    model = _odd_net(ctx, 3, seed=8)
    for k in (0, 5):
        expect_raises("ValueError", ctx.student.choose_lora_layers, model, X, y, k)


# ---------------------------------------------------------------------------------------------
# 11.3 merge_loras_by_clustering


def _random_loras(
    seed: int, ranks: list[int], n: int, m: int
) -> list[tuple[torch.Tensor, torch.Tensor]]:
    rng = np.random.default_rng(seed)
    return [
        (
            torch.from_numpy(rng.normal(size=(r, n)).astype(np.float32)),
            torch.from_numpy(rng.normal(size=(m, r)).astype(np.float32)),
        )
        for r in ranks
    ]


@st.composite
def _lora_set(draw: Any) -> tuple[int, list[int], int, int]:
    ranks = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    return draw(st.integers(0, 10**6)), ranks, draw(st.integers(2, 9)), draw(st.integers(2, 9))


@check("11.3", points=2, category="correctness")
def check_merge_full_rank_reproduces_sum_generated(ctx: CheckContext) -> None:
    """k = total rank on generated LoRA sets (1 to 3 LoRAs, ranks 1 to 4): B'A' = sum B_j A_j."""

    def prop(case: Any) -> None:
        seed, ranks, n, m = case
        loras = _random_loras(seed, ranks, n, m)
        A_merged, B_merged = ctx.student.merge_loras_by_clustering(loras, sum(ranks), 3)
        call = ctx.student.last_function_call
        _expect_product(A_merged, B_merged, _sum_of_products(loras), call, _FULL_RANK_WHAT)

    for_all(_lora_set(), prop, examples=15)


@check("11.3", points=1, category="shape", requires=check_merge_full_rank_reproduces_sum_generated)
def check_merge_shapes(ctx: CheckContext) -> None:
    """k below the total rank: A' is (k, n) and B' is (m, k)."""
    loras = _random_loras(1, [3, 2, 4], 6, 5)
    for k in (1, 4):
        A_merged, B_merged = ctx.student.merge_loras_by_clustering(loras, k, 0)
        call = ctx.student.last_function_call
        got = (tuple(_tensor(A_merged, "A'").shape), tuple(_tensor(B_merged, "B'").shape))
        expect(
            got == ((k, 6), (5, k)),
            en="{call}: expected A' of shape {a} and B' of shape {b}; got {got}.",
            pt="{call}: esperava A' de forma {a} e B' de forma {b}; obteve {got}.",
            call=call,
            a=(k, 6),
            b=(5, k),
            got=got,
        )


def _separated(
    seed: int, k: int = 4, n: int = 6, m: int = 5, noise: float = 0.02
) -> tuple[list[tuple[torch.Tensor, torch.Tensor]], torch.Tensor]:
    """Three LoRAs whose units are noisy copies of k well-separated prototypes, and the expected
    B'A' = sum over clusters of (mean b)(mean a)^T (centroids are plain means)."""
    rng = np.random.default_rng(seed)
    prototypes = rng.normal(0.0, 3.0, size=(k, n + m))
    labels = np.concatenate([np.arange(k), rng.integers(0, k, size=7)])
    rng.shuffle(labels)
    units = prototypes[labels] + rng.normal(0.0, noise, size=(len(labels), n + m))
    expected = torch.zeros(m, n, dtype=torch.float64)
    for c in range(k):
        mean = units[labels == c].mean(0)
        expected += torch.from_numpy(np.outer(mean[n:], mean[:n]))
    loras, start = [], 0
    for r in (3, 4, 4):
        block = units[start : start + r].astype(np.float32)
        loras.append(
            (torch.from_numpy(block[:, :n].copy()), torch.from_numpy(block[:, n:].T.copy()))
        )
        start += r
    return loras, expected


_SEPARATED_WHAT = Text(
    en="B' A' for 11 units that are noisy copies of 4 well-separated prototypes, k = 4 (expected sum over clusters of mean(b) mean(a)^T: each centroid is the plain mean of its cluster's units [a_i, b_i])",
    pt="B' A' para 11 unidades que são cópias ruidosas de 4 protótipos bem separados, k = 4 (esperado soma sobre os clusters de média(b) média(a)^T: cada centróide é a média simples das unidades [a_i, b_i] do cluster)",
)


@check("11.3", points=3, category="correctness")
def check_merge_recovers_separated_clusters(ctx: CheckContext) -> None:
    for seed in (0, 1, 2):
        loras, expected = _separated(seed)
        A_merged, B_merged = ctx.student.merge_loras_by_clustering(loras, 4, 5)
        call = ctx.student.last_function_call
        _expect_product(A_merged, B_merged, expected, call, _SEPARATED_WHAT, atol=1e-3)


@check("11.3", points=1, category="correctness", requires=check_merge_recovers_separated_clusters)
def check_merge_invariant_to_lora_order(ctx: CheckContext) -> None:
    """Reversing the list of LoRAs (and the units inside each) leaves B'A' unchanged."""
    loras, _ = _separated(3)
    A1, B1 = ctx.student.merge_loras_by_clustering(loras, 4, 5)
    original = _product(A1, B1, ctx.student.last_function_call)
    reordered = [(A.flip(0), B.flip(1)) for A, B in reversed(loras)]
    A2, B2 = ctx.student.merge_loras_by_clustering(reordered, 4, 5)
    call = ctx.student.last_function_call
    _expect_product(
        A2,
        B2,
        original,
        call,
        Text(
            en="B' A' with the LoRAs (and each LoRA's units) in reverse order, compared with B' A' in the original order",
            pt="B' A' com os LoRAs (e as unidades de cada LoRA) em ordem inversa, comparado a B' A' na ordem original",
        ),
        atol=1e-3,
    )


def _rounded_product(result: Any) -> Any:
    """B' A' rounded to 5 decimals where the two factors multiply, else the result itself."""
    try:
        A, B = (np.asarray(torch.as_tensor(f).detach(), dtype=np.float64) for f in result)
        return (B @ A).round(5)
    except (TypeError, ValueError, RuntimeError):
        return result


@check(
    "11.3",
    points=1,
    category="correctness",
    requires=check_merge_full_rank_reproduces_sum_generated,
)
def check_merge_deterministic(ctx: CheckContext) -> None:
    """Units with no cluster structure (k-means has many local optima): same seed, same B'A'."""
    loras = _random_loras(7, [4, 4, 4, 4, 4, 4], 8, 6)
    expect_deterministic(
        ctx.student.merge_loras_by_clustering,
        loras,
        5,
        11,
        compare=_rounded_product,
    )


@check(
    "11.3", points=1, category="robustness", requires=check_merge_full_rank_reproduces_sum_generated
)
def check_merge_invalid_k_raises(ctx: CheckContext) -> None:
    loras = _random_loras(2, [2, 3], 5, 4)
    for k in (0, 6):
        expect_raises("ValueError", ctx.student.merge_loras_by_clustering, loras, k, 0)


@check(
    "11.3",
    points=1,
    category="side-effects",
    requires=check_merge_full_rank_reproduces_sum_generated,
)
def check_merge_leaves_inputs_untouched(ctx: CheckContext) -> None:
    expect_inputs_untouched(
        ctx.student.merge_loras_by_clustering, _random_loras(4, [3, 2], 6, 5), 3, 0
    )


# END HIDDEN
