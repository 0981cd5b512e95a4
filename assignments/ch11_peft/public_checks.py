# Public checks for ch11_peft, released by `grade release` (do not edit).
# Run them with:  grade check ch11_peft ch11_peft.py
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
