# Public checks for extra_ia353, released by `grade release` (do not edit).
# Run them with:  grade check extra_ia353 extra_ia353.py
"""Grader for extra_ia353 (the automatable parts of the IA353A written report).

Nothing a submission reports is taken on trust. The initialisation is judged on the weights it
draws: the bound, a statistical test of their variance and of their uniformity (each test with a
stated false-alarm rate), and the activation variance that the judge itself measures through a deep
linear network loaded with the student's weights. `HardSharingMTL` runs in the worker (it is the
student's class), but which parameters each task's loss reaches is measured by a judge probe
(``harness/probes/extra_ia353.py``) that runs one backward pass per task, and the accuracy on the
two digit tasks comes from the judge's own training recipe and held-out digits. The FLOPs of
compound scaling are counted by the judge on its own convolutional network, scaled with the
multipliers the student returns.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

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
    expect_raises,
    rubric,
)

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=20.0, submission_budget_s=120.0)
# the contract is the reference's annotations (compound_scaling -> tuple[float, float, float])

NEGATIVE_TRANSFER = rubric(
    "7.1",
    "negative_transfer",
    2,
    Text(
        en="What negative transfer is in multi-task learning, when it happens (unrelated tasks, conflicting gradients in the shared layers, losses on different scales) and how it is reduced (task grouping, loss weighting, gradient surgery, less sharing).",
        pt="O que é transferência negativa no aprendizado multitarefa, quando acontece (tarefas pouco relacionadas, gradientes conflitantes nas camadas compartilhadas, perdas em escalas diferentes) e como reduzi-la (agrupar tarefas, ponderar perdas, cirurgia de gradientes, compartilhar menos).",
    ),
)
VARIANCE_DERIVATION = rubric(
    "8.1",
    "variance_derivation",
    2,
    Text(
        en="Derivation of b = sqrt(3 / fan_in): Var(y) = fan_in Var(w) Var(x) under the stated assumptions, Var(U(-b, b)) = b²/3, and why fan_in includes the receptive field for convolutions.",
        pt="Dedução de b = sqrt(3 / fan_in): Var(y) = fan_in Var(w) Var(x) sob as hipóteses enunciadas, Var(U(-b, b)) = b²/3, e por que fan_in inclui o campo receptivo em convoluções.",
    ),
)
DATASHEET_SECTIONS = rubric(
    "9.1",
    "datasheet_sections",
    2,
    Text(
        en="The main sections of Datasheets for Datasets (motivation, composition, collection, preprocessing/labelling, uses, distribution, maintenance) and what each documents.",
        pt="As seções principais de Datasheets for Datasets (motivação, composição, coleta, pré-processamento/rotulação, usos, distribuição, manutenção) e o que cada uma documenta.",
    ),
)
SIMILAR_DOCUMENTATION = rubric(
    "9.2",
    "similar_documentation",
    1,
    Text(
        en="Two works with a similar purpose (e.g. Model Cards, FactSheets) and what each documents.",
        pt="Dois trabalhos com propósito semelhante (por exemplo, Model Cards, FactSheets) e o que cada um documenta.",
    ),
)
FIXRES = rubric(
    "10.2",
    "fixres",
    2,
    Text(
        en="FixRes: why train and test at the same resolution disagree (random-resized crops enlarge objects at training time, so apparent sizes and activation statistics differ at test time) and the fix (test at a higher resolution, fine-tune the classifier and BatchNorm at it).",
        pt="FixRes: por que treino e teste na mesma resolução discordam (os recortes aleatórios ampliam os objetos no treino, então tamanhos aparentes e estatísticas das ativações diferem no teste) e a correção (testar numa resolução maior, ajustar o classificador e a BatchNorm nela).",
    ),
)


def _bound(shape: tuple[int, ...]) -> float:
    return math.sqrt(3.0 / (shape[1] * math.prod(shape[2:])))


# ----------------------------------------------------------------------------- public checks


@check("8.1", points=1, category="correctness", hidden=False)
def check_uniform_small_example(ctx: CheckContext) -> None:
    """A (40, 3) weight: fan_in 3, so every value lies in [-1, 1] and the values are not all equal."""
    got = ctx.student.variance_preserving_uniform_(torch.zeros(40, 3))
    values = np.asarray(got, dtype=np.float64)
    expect(
        values.shape == (40, 3)
        and float(np.abs(values).max()) <= 1.0 + 1e-6
        and float(values.std()) > 0.1,
        en="{call} should return the (40, 3) tensor filled from U(-1, 1) (b = sqrt(3 / 3) = 1); got values of shape {shape} in [{low:.3g}, {high:.3g}] with standard deviation {std:.3g}.",
        pt="{call} deveria devolver o tensor (40, 3) preenchido de U(-1, 1) (b = sqrt(3 / 3) = 1); obteve valores de forma {shape} em [{low:.3g}, {high:.3g}] com desvio padrão {std:.3g}.",
        call=ctx.student.last_function_call,
        shape=values.shape,
        low=float(values.min()) if values.size else float("nan"),
        high=float(values.max()) if values.size else float("nan"),
        std=float(values.std()) if values.size else float("nan"),
    )


@check("7.2", points=1, category="shape", hidden=False)
def check_mtl_one_output_per_task(ctx: CheckContext) -> None:
    """HardSharingMTL(8, 16, [3, 2]) on 5 rows returns a list of two outputs, (5, 3) and (5, 2)."""
    model = ctx.student.HardSharingMTL(8, 16, [3, 2])
    outputs = model(torch.ones(5, 8))
    shapes = _output_shapes(outputs)
    expect(
        shapes == [(5, 3), (5, 2)],
        en="HardSharingMTL(8, 16, [3, 2])(x) with x of shape (5, 8) should return a list of two tensors of shapes (5, 3) and (5, 2), one per task in order; got {got}.",
        pt="HardSharingMTL(8, 16, [3, 2])(x) com x de forma (5, 8) deveria devolver uma lista de dois tensores de formas (5, 3) e (5, 2), um por tarefa, em ordem; obteve {got}.",
        got=shapes if shapes is not None else type(outputs).__name__,
    )


@check("10.1", points=1, category="correctness", hidden=False)
def check_compound_scaling_example(ctx: CheckContext) -> None:
    """phi = 1 with the default alpha, beta, gamma gives (1.2, 1.1, 1.15)."""
    got = ctx.student.compound_scaling(1.0)
    expect_close(list(got), [1.2, 1.1, 1.15], what="(depth, width, resolution)", atol=1e-9)


def _output_shapes(outputs: Any) -> list[tuple[int, ...]] | None:
    if not isinstance(outputs, list | tuple) or not all(hasattr(o, "shape") for o in outputs):
        return None
    return [tuple(o.shape) for o in outputs]
