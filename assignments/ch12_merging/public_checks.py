# Public checks for ch12_merging, released by `grade release` (do not edit).
# Run them with:  grade check ch12_merging ch12_merging.py
"""Grader for ch12_merging (PCS 5022, chapter 12: model merging).

12.1 is checked on state_dicts the judge generates (Hypothesis, derandomised): random keys, shapes
and float dtypes (float32 and float64), sometimes with integer buffers; a task vector must be the
exact subtraction (bit for bit), the application ``pre + sum_i c_i tau_i`` within a few ulps of
the judge's float64 value. 12.2 uses the shipped two-task setup (``graders/fixtures/ch12_*``, built
by ``harness/fixtures/ch12_merging.py``): the judge computes the task vectors itself, applies the
returned coefficients itself, and measures the mean held-out accuracy of the two tasks on its test
split, against the best single global coefficient it finds by grid search on the same validation
data. 12.3 compares TIES-merging with the judge's implementation of the definition on vectors built
so that the answer is unambiguous (distinct magnitudes, densities with an integer number of kept
entries, no cancelling sums). Property checks (integer buffers, order, side effects, determinism)
are assessed only once the function's correctness check passed.
"""

from __future__ import annotations

import numpy as np
import torch

from harness.checks import (
    CheckContext,
    DictOf,
    GraderSettings,
    ListOf,
    Text,
    check,
    expect,
    expect_close,
    expect_keys,
    refine,
    rubric,
)

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=20.0, submission_budget_s=120.0)

#: one coefficient per task for every key of the state_dict
CONTRACT = refine(choose_coefficients=DictOf(str, ListOf(float)))

BETTER_TASK_VECTORS = rubric(
    "12.1",
    "better_task_vectors",
    2,
    Text(
        en="Are there more promising ways to build task vectors than theta_ft - theta_pre (sparsified vectors as in TIES/DARE, linearised fine-tuning, averaged fine-tunings, low-rank and aligned subspaces), and what would be measured to compare them?",
        pt="Existem formas mais promissoras de construir vetores de tarefa do que theta_ft - theta_pre (vetores esparsificados como TIES/DARE, fine-tuning linearizado, médias de ajustes, subespaços de baixo posto alinhados), e o que se mediria para compará-las?",
    ),
)
CHOOSING_COEFFICIENTS = rubric(
    "12.2",
    "choosing_coefficients",
    2,
    Text(
        en="How are one coefficient per model and per layer chosen systematically: is the student's method described, is the report's table (per-layer coefficients, global curve) interpreted (hidden layers want small coefficients, each task's head rows large ones), and is an alternative such as AdaMerging's entropy minimisation discussed?",
        pt="Como escolher sistematicamente um coeficiente por modelo e por camada: o método do aluno está descrito, a tabela do relatório (coeficientes por camada, curva global) é interpretada (camadas ocultas pedem coeficientes pequenos, as linhas da cabeça de cada tarefa grandes), e uma alternativa como a minimização de entropia do AdaMerging é discutida?",
    ),
)
MISALIGNED_MODELS = rubric(
    "12.3",
    "misaligned_models",
    2,
    Text(
        en="Should every model be merged (coefficient 0 as a special case), which models matter more, and which measurable criterion detects a misaligned model (task-vector norm, cosine and sign conflicts after trimming, leave-one-out accuracy drop, subspace alignment of LoRA updates as in KnOTS)?",
        pt="Todos os modelos devem entrar na combinação (coeficiente 0 como caso particular), quais importam mais, e que critério mensurável detecta um modelo desalinhado (norma do vetor de tarefa, cosseno e conflitos de sinal após o corte, queda de acurácia leave-one-out, alinhamento de subespaços de atualizações LoRA como no KnOTS)?",
    ),
)

INT_KEY = "bn.num_batches_tracked"


def _t(values: list, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.tensor(values, dtype=dtype)


def _small_pair() -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """A hand-made (pretrained, finetuned) pair: float32 and float64 weights, an int64 buffer."""
    pretrained = {
        "w": _t([[1.0, 2.0], [3.0, 4.0]]),
        "b": _t([0.5, -1.0], torch.float64),
        INT_KEY: torch.tensor(10),
    }
    finetuned = {
        "w": _t([[1.5, 2.0], [2.0, 4.0]]),
        "b": _t([0.25, 0.0], torch.float64),
        INT_KEY: torch.tensor(12),
    }
    return pretrained, finetuned


def _expect_tensor(got: object, want: torch.Tensor, key: str, call: str, atol: float = 0.0) -> None:
    """``got`` is a tensor of ``want``'s dtype and shape, equal to it within ``atol``."""
    expect(
        isinstance(got, torch.Tensor) and got.dtype == want.dtype and got.shape == want.shape,
        en="{call}: [{key!r}] should be a {dtype} tensor of shape {shape}; got {got}.",
        pt="{call}: [{key!r}] deveria ser um tensor {dtype} de forma {shape}; obteve {got}.",
        call=call,
        key=key,
        dtype=str(want.dtype).removeprefix("torch."),
        shape=tuple(want.shape),
        got=_kind(got),
    )
    expect_close(got, want, what=f"[{key!r}]", context=call, rtol=0.0, atol=atol)


def _kind(value: object) -> str:
    if isinstance(value, torch.Tensor):
        return f"a {str(value.dtype).removeprefix('torch.')} tensor of shape {tuple(value.shape)}"
    return type(value).__name__


@check("12.1", points=1, category="correctness", hidden=False)
def check_task_vector_small_example(ctx: CheckContext) -> None:
    """A hand-made pair: the float entries subtracted exactly, the int64 buffer left out."""
    pretrained, finetuned = _small_pair()
    got = ctx.student.task_vector(pretrained, finetuned)
    call = ctx.student.last_function_call
    expect_keys(got, ["w", "b"], what="the task vector (integer buffers are left out)")
    _expect_tensor(got["w"], _t([[0.5, 0.0], [-1.0, 0.0]]), "w", call)
    _expect_tensor(got["b"], _t([-0.25, 1.0], torch.float64), "b", call)


@check("12.1", points=1, category="correctness", hidden=False)
def check_apply_small_example(ctx: CheckContext) -> None:
    """Two hand-made vectors with coefficients 0.5 and -1: pre + 0.5 tau_1 - tau_2."""
    pretrained, _ = _small_pair()
    vectors = [
        {"w": torch.ones(2, 2), "b": _t([1.0, 1.0], torch.float64)},
        {"w": _t([[0.0, 1.0], [0.0, 1.0]]), "b": _t([2.0, 0.0], torch.float64)},
    ]
    got = ctx.student.apply_task_vectors(pretrained, vectors, [0.5, -1.0])
    call = ctx.student.last_function_call
    expect_keys(got, ["w", "b", INT_KEY], what="the merged state_dict")
    _expect_tensor(got["w"], _t([[1.5, 1.5], [3.5, 3.5]]), "w", call)
    _expect_tensor(got["b"], _t([-1.0, -0.5], torch.float64), "b", call)
    _expect_tensor(got[INT_KEY], torch.tensor(10), INT_KEY, call)


def _tiny_setup(ctx: CheckContext) -> tuple[dict[str, torch.Tensor], list, list, list]:
    """Seeded random weights of the 12.2 architecture, two small random task vectors and random
    validation rows with labels 0-4 and 5-9 (enough to run the function, not to judge it)."""
    shapes = {
        "0.weight": (32, 64),
        "0.bias": (32,),
        "2.weight": (32, 32),
        "2.bias": (32,),
        "4.weight": (10, 32),
        "4.bias": (10,),
    }
    rng = np.random.default_rng(12)
    pretrained = {
        k: torch.from_numpy(rng.normal(0, 0.2, s).astype(np.float32)) for k, s in shapes.items()
    }
    vectors = [
        {k: torch.from_numpy(rng.normal(0, 0.05, s).astype(np.float32)) for k, s in shapes.items()}
        for _ in range(2)
    ]
    X_val = [torch.from_numpy(rng.uniform(0, 1, (40, 64)).astype(np.float32)) for _ in range(2)]
    y_val = [torch.from_numpy((np.arange(40) % 5 + 5 * task).astype(np.int64)) for task in range(2)]
    return pretrained, vectors, X_val, y_val


@check("12.2", points=1, category="shape", hidden=False)
def check_coefficients_one_per_key_and_task(ctx: CheckContext) -> None:
    """Every key of pretrained gets a list of len(vectors) finite floats."""
    pretrained, vectors, X_val, y_val = _tiny_setup(ctx)
    got = ctx.student.choose_coefficients(pretrained, vectors, X_val, y_val, 0)
    call = ctx.student.last_function_call
    expect_keys(got, list(pretrained), what="the coefficients", context=call)
    bad = [k for k, v in got.items() if len(v) != 2 or not np.isfinite(v).all()]
    expect(
        not bad,
        en="{call}: each key should map to a list of 2 finite coefficients (one per task vector); not so for {bad}.",
        pt="{call}: cada chave deveria ter uma lista de 2 coeficientes finitos (um por vetor de tarefa); não é o caso de {bad}.",
        call=call,
        bad=bad,
    )


@check("12.3", points=1, category="correctness", hidden=False)
def check_ties_small_example(ctx: CheckContext) -> None:
    """Two hand-made vectors of 8 entries, density 0.5, lam 0.5 (worked out by hand)."""
    pretrained = {"w": torch.ones(2, 2), "b": torch.zeros(4), INT_KEY: torch.tensor(3)}
    vectors = [
        {"w": _t([[3.0, -1.0], [0.5, 2.0]]), "b": _t([-4.0, 0.2, 1.5, -0.1])},
        {"w": _t([[-2.0, 0.3], [1.0, -5.0]]), "b": _t([3.0, -0.6, 0.4, 2.5])},
    ]
    # trimmed: w [[3, 0], [0, 2]], b [-4, 0, 1.5, 0] and w [[-2, 0], [0, -5]], b [3, 0, 0, 2.5];
    # elected signs w [[+, 0], [0, -]], b [-, 0, +, +]; disjoint mean w [[3, 0], [0, -5]],
    # b [-4, 0, 1.5, 2.5]; result pre + 0.5 * merged
    got = ctx.student.ties_merge(pretrained, vectors, 0.5, 0.5)
    call = ctx.student.last_function_call
    expect_keys(got, ["w", "b", INT_KEY], what="the merged state_dict")
    _expect_tensor(got["w"], _t([[2.5, 1.0], [1.0, -1.5]]), "w", call, atol=1e-6)
    _expect_tensor(got["b"], _t([-2.0, 0.0, 0.75, 1.25]), "b", call, atol=1e-6)
    _expect_tensor(got[INT_KEY], torch.tensor(3), INT_KEY, call)
