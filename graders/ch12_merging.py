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


# BEGIN HIDDEN
import functools  # noqa: E402
import math  # noqa: E402

import hypothesis.strategies as st  # noqa: E402
from hypothesis import assume  # noqa: E402
from torch.nn import functional as F  # noqa: E402

from harness.checks import (  # noqa: E402
    Partial,
    accuracy_partial,
    expect_deterministic,
    expect_inputs_untouched,
    expect_raises,
    fail,
    for_all,
)
from harness.fixtures.ch12_merging import merging_models, task_data  # noqa: E402

NAMES = ("enc", "dec", "blk", "head", "proj")
PARTS = ("weight", "bias", "scale")


def _random_state(seed: int, n_keys: int, with_int: bool) -> dict[str, torch.Tensor]:
    """Random keys, shapes (0-3 dims) and float dtypes; an int64 buffer when ``with_int``."""
    rng = np.random.default_rng(seed)
    state: dict[str, torch.Tensor] = {}
    for i in range(n_keys):
        name = f"{NAMES[rng.integers(len(NAMES))]}{i}.{PARTS[rng.integers(len(PARTS))]}"
        shape = tuple(int(s) for s in rng.integers(1, 5, size=rng.integers(0, 4)))
        dtype = np.float64 if rng.random() < 0.5 else np.float32
        scale = 10.0 ** rng.uniform(-2, 2)
        state[name] = torch.from_numpy(np.asarray(rng.normal(0, scale, shape), dtype=dtype))
    if with_int:
        state[INT_KEY] = torch.tensor(int(rng.integers(0, 1000)), dtype=torch.int64)
    return state


def _perturbed(state: dict[str, torch.Tensor], seed: int) -> dict[str, torch.Tensor]:
    """Another state_dict with the same keys, shapes and dtypes (a 'fine-tuned' one)."""
    rng = np.random.default_rng(seed)
    out = {}
    for key, value in state.items():
        if value.is_floating_point():
            noise = rng.normal(0, 0.3, tuple(value.shape)) * (1.0 + value.abs().numpy())
            out[key] = value + torch.from_numpy(np.asarray(noise)).to(value.dtype)
        else:
            out[key] = value + int(rng.integers(1, 50))
    return out


def _describe_state(state: dict[str, torch.Tensor]) -> str:
    return "{" + ", ".join(f"{k!r}: {_kind(v)}" for k, v in state.items()) + "}"


#: (seed, number of float keys, with an int64 buffer, number of tasks)
CASES = st.tuples(st.integers(0, 2**31 - 1), st.integers(1, 4), st.booleans(), st.integers(1, 3))


def _case(case: tuple[int, int, bool, int]) -> tuple[dict, list[dict], list[float]]:
    """(pretrained, fine-tuned models, coefficients) of a generated case."""
    seed, n_keys, with_int, n_tasks = case
    pretrained = _random_state(seed, n_keys, with_int)
    finetuned = [_perturbed(pretrained, seed + 1 + i) for i in range(n_tasks)]
    rng = np.random.default_rng(seed + 99)
    coefficients = [float(np.round(rng.uniform(-2, 2), 2)) for _ in range(n_tasks)]
    return pretrained, finetuned, coefficients


def _show(case: tuple[int, int, bool, int]) -> str:
    pretrained, finetuned, coefficients = _case(case)
    return f"pretrained={_describe_state(pretrained)}, {len(finetuned)} task(s), coefficients={coefficients}"


def _float_keys(state: dict[str, torch.Tensor]) -> list[str]:
    return [k for k, v in state.items() if v.is_floating_point()]


def _exact_vector(pretrained: dict, finetuned: dict) -> dict[str, torch.Tensor]:
    return {k: finetuned[k] - pretrained[k] for k in _float_keys(pretrained)}


def _expect_applied(
    got: object, pretrained: dict, vectors: list, coefficients: list, call: str
) -> None:
    """Float keys within a few ulps (of each dtype) of the float64 value of pre + sum c_i tau_i."""
    expect(
        isinstance(got, dict) and all(k in got for k in _float_keys(pretrained)),
        en="{call} should return a dict with every floating-point key of pretrained {keys}; got {got}.",
        pt="{call} deveria devolver um dict com todas as chaves de ponto flutuante de pretrained {keys}; obteve {got}.",
        call=call,
        keys=_float_keys(pretrained),
        got=sorted(got) if isinstance(got, dict) else type(got).__name__,
    )
    for key in _float_keys(pretrained):
        before = pretrained[key]
        terms = [before.double()] + [c * v[key].double() for c, v in zip(coefficients, vectors)]
        want = sum(terms[1:], terms[0])
        scale = sum((t.abs() for t in terms[1:]), terms[0].abs())
        eps = torch.finfo(before.dtype).eps
        got_key = got[key]
        expect(
            isinstance(got_key, torch.Tensor)
            and got_key.dtype == before.dtype
            and got_key.shape == before.shape,
            en="{call}: [{key!r}] should be a {dtype} tensor of shape {shape} (the dtype of pretrained); got {got}.",
            pt="{call}: [{key!r}] deveria ser um tensor {dtype} de forma {shape} (o dtype de pretrained); obteve {got}.",
            call=call,
            key=key,
            dtype=str(before.dtype).removeprefix("torch."),
            shape=tuple(before.shape),
            got=_kind(got_key),
        )
        error = (got_key.double() - want).abs()
        bound = 4 * eps * (len(terms) + 1) * scale + 1e-300
        if not bool((error <= bound).all()):
            index = int(torch.argmax(error / bound))
            fail(
                en="{call}: [{key!r}] should be pretrained + sum_i coefficients[i] * vectors[i] (within a few ulps); at flat index {index} expected {want:.10g}, got {got:.10g}.",
                pt="{call}: [{key!r}] deveria ser pretrained + sum_i coefficients[i] * vectors[i] (a menos de poucos ulps); no índice achatado {index} esperado {want:.10g}, obtido {got:.10g}.",
                call=call,
                key=key,
                index=index,
                want=float(want.reshape(-1)[index]),
                got=float(got_key.double().reshape(-1)[index]),
            )


# ---------------------------------------------------------------------------------------------
# 12.1


@check("12.1", points=3, category="correctness")
def check_task_vector_exact(ctx: CheckContext) -> None:
    """finetuned - pretrained on every float key, same dtype, bit for bit."""

    def prop(case: tuple[int, int, bool, int]) -> None:
        pretrained, finetuned, _ = _case(case)
        got = ctx.student.task_vector(pretrained, finetuned[0])
        call = ctx.student.last_function_call
        expect(
            isinstance(got, dict),
            en="{call} should return a dict; got {got}.",
            pt="{call} deveria devolver um dict; obteve {got}.",
            call=call,
            got=type(got).__name__,
        )
        for key, want in _exact_vector(pretrained, finetuned[0]).items():
            expect(
                key in got,
                en="{call}: the floating-point key {key!r} is missing from the task vector.",
                pt="{call}: a chave de ponto flutuante {key!r} falta no vetor de tarefa.",
                call=call,
                key=key,
            )
            _expect_tensor(got[key], want, key, call)

    for_all(CASES, prop, examples=15, show=_show)


@check("12.1", points=1, category="correctness", requires=check_task_vector_exact)
def check_task_vector_leaves_out_integer_buffers(ctx: CheckContext) -> None:
    """The int64 buffer (BatchNorm's num_batches_tracked) is not a weight: not in the vector."""
    pretrained = _random_state(3, 3, True)
    got = ctx.student.task_vector(pretrained, _perturbed(pretrained, 4))
    expect(
        INT_KEY not in got,
        en="{call}: the task vector holds the integer buffer {key!r} ({value}); by the statement's convention integer entries are counters, not weights, and are left out of the vector.",
        pt="{call}: o vetor de tarefa contém o buffer inteiro {key!r} ({value}); pela convenção do enunciado, entradas inteiras são contadores, não pesos, e ficam fora do vetor.",
        call=ctx.student.last_function_call,
        key=INT_KEY,
        value=_kind(got.get(INT_KEY)),
    )


@check("12.1", points=1, category="correctness", requires=check_task_vector_exact)
def check_task_vector_rejects_mismatch(ctx: CheckContext) -> None:
    """A missing key, an extra key or a shape mismatch raises ValueError."""
    pretrained = _random_state(5, 3, False)
    finetuned = _perturbed(pretrained, 6)
    first = next(iter(pretrained))
    missing = {k: v for k, v in finetuned.items() if k != first}
    extra = {**finetuned, "extra.weight": torch.zeros(3)}
    reshaped = {**finetuned, first: torch.zeros(tuple(pretrained[first].shape) + (2,))}
    for other in (missing, extra, reshaped):
        expect_raises("ValueError", ctx.student.task_vector, pretrained, other)


@check("12.1", points=3, category="correctness")
def check_apply_matches_definition(ctx: CheckContext) -> None:
    """pre + sum_i c_i tau_i on every float key (1 to 3 tasks, coefficients in [-2, 2])."""

    def prop(case: tuple[int, int, bool, int]) -> None:
        pretrained, finetuned, coefficients = _case(case)
        vectors = [_exact_vector(pretrained, f) for f in finetuned]
        got = ctx.student.apply_task_vectors(pretrained, vectors, coefficients)
        _expect_applied(got, pretrained, vectors, coefficients, ctx.student.last_function_call)

    for_all(CASES, prop, examples=15, show=_show)


@check("12.1", points=1, category="correctness", requires=check_apply_matches_definition)
def check_apply_copies_integer_buffers(ctx: CheckContext) -> None:
    """The int64 buffer of the result is pretrained's, also when a vector carries that key."""
    pretrained = _random_state(7, 3, True)
    finetuned = _perturbed(pretrained, 8)
    plain = _exact_vector(pretrained, finetuned)
    with_int = {**plain, INT_KEY: finetuned[INT_KEY] - pretrained[INT_KEY]}
    for vectors, label in (([plain], "without"), ([with_int], "with")):
        got = ctx.student.apply_task_vectors(pretrained, vectors, [0.7])
        call = ctx.student.last_function_call
        value = got.get(INT_KEY) if isinstance(got, dict) else None
        expect(
            isinstance(value, torch.Tensor)
            and value.dtype == torch.int64
            and torch.equal(value, pretrained[INT_KEY]),
            en="{call} (a vector {label} the key {key!r}): the result's integer buffer should be a copy of pretrained's, int64 {want}; got {got}.",
            pt="{call} (um vetor {label} a chave {key!r}): o buffer inteiro do resultado deveria ser uma cópia do de pretrained, int64 {want}; obteve {got}.",
            call=call,
            label=label,
            key=INT_KEY,
            want=int(pretrained[INT_KEY]),
            got=f"{_kind(value)} {value.tolist() if isinstance(value, torch.Tensor) else ''}",
        )


@check("12.1", points=1, category="correctness", requires=check_apply_matches_definition)
def check_apply_zero_gives_pretrained(ctx: CheckContext) -> None:
    """Coefficients 0 give the pretrained weights exactly."""
    pretrained = _random_state(9, 4, True)
    vectors = [_exact_vector(pretrained, _perturbed(pretrained, s)) for s in (10, 11)]
    got = ctx.student.apply_task_vectors(pretrained, vectors, [0.0, 0.0])
    call = ctx.student.last_function_call
    for key in _float_keys(pretrained):
        _expect_tensor(got[key], pretrained[key], key, call)


@check("12.1", points=1, category="correctness", requires=check_apply_matches_definition)
def check_apply_one_task_gives_finetuned(ctx: CheckContext) -> None:
    """apply(pre, [task_vector(pre, ft)], [1]) is ft up to float rounding."""
    pretrained = _random_state(12, 4, True)
    finetuned = _perturbed(pretrained, 13)
    vector = ctx.student.task_vector(pretrained, finetuned)
    got = ctx.student.apply_task_vectors(pretrained, [vector], [1.0])
    call = ctx.student.last_function_call
    for key in _float_keys(pretrained):
        eps = torch.finfo(pretrained[key].dtype).eps
        atol = 4 * eps * float(finetuned[key].abs().max() + pretrained[key].abs().max())
        _expect_tensor(got[key], finetuned[key], key, call, atol=atol)


@check("12.1", points=1, category="correctness", requires=check_apply_matches_definition)
def check_apply_order_invariant(ctx: CheckContext) -> None:
    """Swapping the tasks (vectors and coefficients together) gives the same result."""
    pretrained = _random_state(14, 4, True)
    vectors = [_exact_vector(pretrained, _perturbed(pretrained, s)) for s in (15, 16, 17)]
    coefficients = [0.3, -1.1, 0.55]
    first = ctx.student.apply_task_vectors(pretrained, vectors, coefficients)
    second = ctx.student.apply_task_vectors(pretrained, vectors[::-1], coefficients[::-1])
    call = ctx.student.last_function_call
    for key in _float_keys(pretrained):
        eps = torch.finfo(pretrained[key].dtype).eps
        scale = float(pretrained[key].abs().max()) + sum(
            abs(c) * float(v[key].abs().max()) for c, v in zip(coefficients, vectors)
        )
        _expect_tensor(second[key], first[key], key, call, atol=16 * eps * scale)


@check("12.1", points=1, category="correctness", requires=check_apply_matches_definition)
def check_apply_rejects_mismatch(ctx: CheckContext) -> None:
    """A vector with a missing or extra key, another shape, or a coefficient count that differs
    from the number of vectors raises ValueError."""
    pretrained = _random_state(18, 3, False)
    vector = _exact_vector(pretrained, _perturbed(pretrained, 19))
    first = next(iter(pretrained))
    wrong = [
        ([{k: v for k, v in vector.items() if k != first}], [1.0]),
        ([{**vector, "extra.weight": torch.zeros(3)}], [1.0]),
        ([{**vector, first: torch.zeros(tuple(vector[first].shape) + (2,))}], [1.0]),
        ([vector, vector], [1.0]),
    ]
    for vectors, coefficients in wrong:
        expect_raises(
            "ValueError", ctx.student.apply_task_vectors, pretrained, vectors, coefficients
        )


@check("12.1", points=1, category="side-effects", requires=check_apply_matches_definition)
def check_task_arithmetic_inputs_untouched(ctx: CheckContext) -> None:
    """Neither function modifies the dicts or tensors it is given."""
    pretrained = _random_state(20, 4, True)
    finetuned = _perturbed(pretrained, 21)
    expect_inputs_untouched(ctx.student.task_vector, pretrained, finetuned)
    vectors = [
        _exact_vector(pretrained, finetuned),
        _exact_vector(pretrained, _perturbed(pretrained, 22)),
    ]
    expect_inputs_untouched(ctx.student.apply_task_vectors, pretrained, vectors, [0.5, 1.5])


# ---------------------------------------------------------------------------------------------
# 12.2

#: the judge's grid of global coefficients and the margin by which per-layer ones must beat it
GRID = tuple(round(0.1 * i, 1) for i in range(21))
MARGIN = 0.05
#: no accuracy points at this much below the best global coefficient's accuracy (a constant
#: guess such as 0.5 or 1 everywhere lands there)
ZERO_GAP = 0.1


@functools.cache
def _data(split: str) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """The fixture module's validation or test data, loaded once per judge process (the judge
    never modifies it; what a student receives is a copy sent through the codec)."""
    return task_data(split)


@torch.no_grad()
def _mean_accuracy(state: dict[str, torch.Tensor], split: str) -> tuple[float, list[float]]:
    """Mean over the two tasks (and each) of the accuracy of the argmax over the task's classes,
    measured by the judge: the fixture architecture's forward pass (Linear, ReLU, Linear, ReLU,
    Linear, the layers of ``make_mlp``) run with ``state``'s weights."""
    X, y = _data(split)
    scores = []
    for inputs, labels in zip(X, y):
        classes = torch.unique(labels)
        hidden = inputs
        for name in ("0", "2"):
            hidden = torch.relu(F.linear(hidden, state[f"{name}.weight"], state[f"{name}.bias"]))
        logits = F.linear(hidden, state["4.weight"], state["4.bias"])[:, classes]
        scores.append(float((classes[logits.argmax(dim=1)] == labels).float().mean()))
    return sum(scores) / len(scores), scores


def _vectors() -> tuple[dict[str, torch.Tensor], list[dict[str, torch.Tensor]]]:
    pretrained, a, b = merging_models()
    return pretrained, [_exact_vector(pretrained, a), _exact_vector(pretrained, b)]


def _merge(coefficients: dict[str, list[float]]) -> dict[str, torch.Tensor]:
    pretrained, vectors = _vectors()
    return {
        k: v + sum(float(c) * t[k] for c, t in zip(coefficients[k], vectors))
        for k, v in pretrained.items()
    }


@functools.cache
def _global_baseline() -> tuple[float, float, list[tuple[float, float, float]]]:
    """(best global λ on validation, its mean test accuracy, [(λ, val, test)] for the report)."""
    pretrained, _ = _vectors()
    curve = []
    for value in GRID:
        state = _merge({k: [value, value] for k in pretrained})
        curve.append((value, _mean_accuracy(state, "val")[0], _mean_accuracy(state, "test")[0]))
    best = max(curve, key=lambda row: (row[1], -row[0]))
    return best[0], best[2], curve


def _choose(remote: object) -> tuple[dict[str, list[float]], str]:
    pretrained, vectors = _vectors()
    X_val, y_val = _data("val")
    got = remote.choose_coefficients(pretrained, vectors, X_val, y_val, 0)  # type: ignore[attr-defined]
    return got, remote.last_function_call  # type: ignore[attr-defined]


def _usable(coefficients: dict[str, list[float]]) -> tuple[dict[str, list[float]], list[str]]:
    """The coefficients the judge applies: a key that is missing, has the wrong length or a
    non-finite value gets 0 (the pretrained weights); the second value lists those keys."""
    pretrained, _ = _vectors()
    out, bad = {}, []
    for key in pretrained:
        value = coefficients.get(key)
        if value is None or len(value) != 2 or not np.isfinite(value).all():
            out[key], bad = [0.0, 0.0], [*bad, key]
        else:
            out[key] = [float(c) for c in value]
    return out, bad


@functools.cache
def _pretrained_test_accuracy() -> float:
    return _mean_accuracy(_vectors()[0], "test")[0]


def _judged(ctx: CheckContext) -> tuple[dict[str, list[float]], float, list[float], str]:
    got, call = _choose(ctx.student)
    usable, _ = _usable(got)
    score, per_task = _mean_accuracy(_merge(usable), "test")
    return usable, score, per_task, call


@check("12.2", points=3, category="behaviour")
def check_merged_accuracy(ctx: CheckContext) -> Partial | None:
    """The judge merges with the returned coefficients and measures the mean held-out accuracy of
    the two tasks: full points at the best global coefficient's accuracy, none ZERO_GAP below it."""
    _, score, per_task, call = _judged(ctx)
    _, global_test, _ = _global_baseline()
    zero = max(global_test - ZERO_GAP, _pretrained_test_accuracy() + 0.1)
    return accuracy_partial(
        score,
        full=global_test,
        zero=zero,
        what=Text(
            en=f"the mean held-out accuracy of the two tasks after the judge merged with your coefficients (task A {per_task[0]:.3f}, task B {per_task[1]:.3f}; the best global coefficient reaches {global_test:.3f})",
            pt=f"a acurácia média das duas tarefas em dados não vistos depois que o corretor combinou com os seus coeficientes (tarefa A {per_task[0]:.3f}, tarefa B {per_task[1]:.3f}; o melhor coeficiente global atinge {global_test:.3f})",
        ),
        context=call,
    )


@check("12.2", points=2, category="behaviour")
def check_merged_beats_global_coefficient(ctx: CheckContext) -> None:
    """Per-layer, per-task coefficients beat the best global λ (chosen by the judge on the same
    validation data) by MARGIN of mean held-out accuracy. The report gets the coefficients and the
    global curve."""
    usable, score, _, call = _judged(ctx)
    best, global_test, curve = _global_baseline()
    ctx.attach_table(
        Text(en="Your coefficients per key and task", pt="Seus coeficientes por chave e tarefa"),
        ["key", "task A (digits 0-4)", "task B (digits 5-9)"],
        [[key, value[0], value[1]] for key, value in usable.items()],
    )
    ctx.attach_table(
        Text(
            en=f"Global coefficient λ (same for all layers and tasks) vs yours: mean accuracy measured by the judge; yours on test: {score:.3f}",
            pt=f"Coeficiente global λ (o mesmo para todas as camadas e tarefas) vs os seus: acurácia média medida pelo corretor; a sua no teste: {score:.3f}",
        ),
        ["λ", "validation", "test"],
        [[value, round(val, 4), round(test, 4)] for value, val, test in curve],
    )
    expect(
        score >= global_test + MARGIN,
        en="{call}: the judge's merge with your coefficients reaches a mean held-out accuracy of {score:.3f}; the best global coefficient (λ = {best}, chosen on the same validation data) reaches {global_test:.3f}, and per-layer coefficients must beat it by {margin} (at least {bar:.3f}).",
        pt="{call}: a combinação do corretor com os seus coeficientes atinge acurácia média {score:.3f} em dados não vistos; o melhor coeficiente global (λ = {best}, escolhido nos mesmos dados de validação) atinge {global_test:.3f}, e coeficientes por camada precisam superá-lo por {margin} (ao menos {bar:.3f}).",
        call=call,
        score=score,
        best=best,
        global_test=global_test,
        margin=MARGIN,
        bar=global_test + MARGIN,
    )


@check("12.2", points=1, category="shape", requires=check_merged_accuracy)
def check_coefficients_complete_and_finite(ctx: CheckContext) -> None:
    """Every key of the setup's state_dict has exactly 2 finite coefficients."""
    got, call = _choose(ctx.student)
    _, bad = _usable(got)
    extra = sorted(set(got) - set(_vectors()[0]))
    expect(
        not bad and not extra,
        en="{call}: every key of pretrained should map to 2 finite coefficients (one per task); missing, wrong length or non-finite for {bad}; unknown keys {extra}.",
        pt="{call}: cada chave de pretrained deveria ter 2 coeficientes finitos (um por tarefa); faltando, de tamanho errado ou não finitos em {bad}; chaves desconhecidas {extra}.",
        call=call,
        bad=bad,
        extra=extra,
    )


@check("12.2", points=1, category="stability", requires=check_merged_accuracy)
def check_coefficients_deterministic(ctx: CheckContext) -> None:
    """Same arguments and seed, same coefficients."""
    pretrained, vectors = _vectors()
    X_val, y_val = _data("val")
    expect_deterministic(ctx.student.choose_coefficients, pretrained, vectors, X_val, y_val, 0)


@check("12.2", points=1, category="side-effects", requires=check_merged_accuracy)
def check_choose_inputs_untouched(ctx: CheckContext) -> None:
    """The state_dicts, vectors and validation data are left as they were."""
    pretrained, vectors = _vectors()
    X_val, y_val = _data("val")
    expect_inputs_untouched(ctx.student.choose_coefficients, pretrained, vectors, X_val, y_val, 0)


# ---------------------------------------------------------------------------------------------
# 12.3

DENSITIES = (0.25, 0.5, 0.75, 1.0)


def _ties_expected(pretrained: dict, vectors: list[dict], density: float, lam: float) -> dict:
    """The definition of the statement, in float64 (judge side)."""
    keys = _float_keys(pretrained)
    flat = torch.stack([torch.cat([v[k].double().reshape(-1) for k in keys]) for v in vectors])
    kept = math.ceil(density * flat.shape[1])
    threshold = torch.sort(flat.abs(), dim=1, descending=True).values[:, kept - 1 : kept]
    trimmed = flat * (flat.abs() >= threshold)
    elected = torch.sign(trimmed.sum(dim=0))
    agree = (torch.sign(trimmed) == elected) & (trimmed != 0)
    merged = (trimmed * agree).sum(dim=0) / agree.sum(dim=0).clamp(min=1)
    out, start = {}, 0
    for key, value in pretrained.items():
        if value.is_floating_point():
            out[key] = value.double() + lam * merged[start : start + value.numel()].reshape(
                value.shape
            )
            start += value.numel()
    return out


def _ties_case(
    seed: int, n_keys: int, n_tasks: int, same_sign: bool = False
) -> tuple[dict, list[dict]]:
    """Tensors with 4k entries (so every density of DENSITIES keeps an integer number), distinct
    magnitudes at scales that differ by key (so trimming over the whole vector differs from
    trimming per tensor), and an int64 buffer."""
    rng = np.random.default_rng(seed)
    shapes = [((4,), (2, 2), (4, 2), (2, 2, 3), (4, 3))[i] for i in rng.integers(0, 5, size=n_keys)]
    pretrained: dict[str, torch.Tensor] = {}
    for i, shape in enumerate(shapes):
        dtype = np.float64 if rng.random() < 0.5 else np.float32
        pretrained[f"layer{i}.weight"] = torch.from_numpy(rng.normal(0, 1, shape).astype(dtype))
    pretrained[INT_KEY] = torch.tensor(int(rng.integers(0, 100)))
    sizes = [int(np.prod(s)) for s in shapes]
    scales = np.repeat(10.0 ** rng.uniform(-1, 1, size=n_keys), sizes)
    signs = np.ones(sum(sizes)) if same_sign else None
    vectors = []
    for _ in range(n_tasks):
        magnitudes = rng.permutation(np.linspace(1.0, 2.0, sum(sizes))) * scales
        sign = signs if signs is not None else rng.choice([-1.0, 1.0], size=sum(sizes))
        flat = magnitudes * sign
        vector, start = {}, 0
        for (key, value), size in zip(pretrained.items(), sizes):
            part = flat[start : start + size].reshape(value.shape)
            vector[key] = torch.from_numpy(part.astype(value.numpy().dtype))
            start += size
        vectors.append(vector)
    return pretrained, vectors


def _no_cancellation(pretrained: dict, vectors: list[dict], density: float) -> bool:
    """No entry whose trimmed values (some non-zero) sum to about 0: the elected sign is clear."""
    keys = _float_keys(pretrained)
    flat = torch.stack([torch.cat([v[k].double().reshape(-1) for k in keys]) for v in vectors])
    kept = math.ceil(density * flat.shape[1])
    threshold = torch.sort(flat.abs(), dim=1, descending=True).values[:, kept - 1 : kept]
    trimmed = flat * (flat.abs() >= threshold)
    total = trimmed.sum(dim=0).abs()
    return bool(
        ((total > 1e-2 * trimmed.abs().max(dim=0).values) | (trimmed.abs().sum(dim=0) == 0)).all()
    )


def _expect_ties(got: object, expected: dict, pretrained: dict, call: str) -> None:
    expect(
        isinstance(got, dict) and all(k in got for k in expected),
        en="{call} should return a dict with every floating-point key of pretrained {keys}; got {got}.",
        pt="{call} deveria devolver um dict com todas as chaves de ponto flutuante de pretrained {keys}; obteve {got}.",
        call=call,
        keys=list(expected),
        got=sorted(got) if isinstance(got, dict) else type(got).__name__,
    )
    for key, want in expected.items():
        dtype = pretrained[key].dtype
        expect(
            isinstance(got[key], torch.Tensor) and got[key].dtype == dtype,
            en="{call}: [{key!r}] should be a {dtype} tensor (the dtype of pretrained); got {got}.",
            pt="{call}: [{key!r}] deveria ser um tensor {dtype} (o dtype de pretrained); obteve {got}.",
            call=call,
            key=key,
            dtype=str(dtype).removeprefix("torch."),
            got=_kind(got[key]),
        )
        expect_close(got[key], want, what=f"[{key!r}]", context=call, rtol=1e-5, atol=1e-5)


#: (seed, number of keys, number of tasks, density, lam)
TIES_CASES = st.tuples(
    st.integers(0, 2**31 - 1),
    st.integers(1, 3),
    st.integers(2, 3),
    st.sampled_from(DENSITIES),
    st.sampled_from((0.3, 1.0, 1.7)),
)


def _ties_show(case: tuple) -> str:
    seed, n_keys, n_tasks, density, lam = case
    pretrained, vectors = _ties_case(seed, n_keys, n_tasks)
    return f"pretrained={_describe_state(pretrained)}, vectors={[{k: v.tolist() for k, v in t.items()} for t in vectors]}, density={density}, lam={lam}"


@check("12.3", points=3, category="correctness")
def check_ties_matches_definition(ctx: CheckContext) -> None:
    """Trim over the whole vector, elect signs, disjoint mean, pre + lam * merged."""

    def prop(case: tuple) -> None:
        seed, n_keys, n_tasks, density, lam = case
        pretrained, vectors = _ties_case(seed, n_keys, n_tasks)
        assume(_no_cancellation(pretrained, vectors, density))
        got = ctx.student.ties_merge(pretrained, vectors, density, lam)
        expected = _ties_expected(pretrained, vectors, density, lam)
        _expect_ties(got, expected, pretrained, ctx.student.last_function_call)

    for_all(TIES_CASES, prop, examples=15, show=_ties_show)


@check("12.3", points=1, category="correctness", requires=check_ties_matches_definition)
def check_ties_one_task_is_its_trimmed_vector(ctx: CheckContext) -> None:
    """With one task, the merge is pre + lam * (its vector trimmed)."""
    pretrained, vectors = _ties_case(30, 3, 1)
    for density in (0.25, 0.75):
        got = ctx.student.ties_merge(pretrained, vectors, density, 1.0)
        _expect_ties(
            got,
            _ties_expected(pretrained, vectors, density, 1.0),
            pretrained,
            ctx.student.last_function_call,
        )


@check("12.3", points=1, category="correctness", requires=check_ties_matches_definition)
def check_ties_order_invariant(ctx: CheckContext) -> None:
    """Reversing the order of the task vectors gives the same merge."""
    pretrained, vectors = _ties_case(31, 3, 3)
    first = ctx.student.ties_merge(pretrained, vectors, 0.5, 0.8)
    second = ctx.student.ties_merge(pretrained, vectors[::-1], 0.5, 0.8)
    call = ctx.student.last_function_call
    for key in _float_keys(pretrained):
        expect_close(
            second[key],
            first[key],
            what=f"[{key!r}] with the vectors reversed",
            context=call,
            rtol=1e-6,
            atol=1e-6,
        )


@check("12.3", points=1, category="correctness", requires=check_ties_matches_definition)
def check_ties_entries_have_elected_sign(ctx: CheckContext) -> None:
    """Every merged entry, (result - pre) / lam, has the sign of the sum of the trimmed vectors
    (the elected sign) or is 0."""
    pretrained, vectors = _ties_case(32, 3, 3)
    got = ctx.student.ties_merge(pretrained, vectors, 0.75, 1.0)
    call = ctx.student.last_function_call
    expected = _ties_expected(pretrained, vectors, 0.75, 1.0)
    for key, want in expected.items():
        elected = torch.sign(want - pretrained[key].double())
        delta = got[key].double() - pretrained[key].double()
        tolerance = 1e-5 * (1.0 + pretrained[key].double().abs())
        wrong = ((delta > tolerance) & (elected <= 0)) | ((delta < -tolerance) & (elected >= 0))
        expect(
            not bool(wrong.any()),
            en="{call}: in [{key!r}], {count} merged entries have the sign opposite to the elected one (the sign of the sum of the trimmed vectors) or are non-zero where it is 0, e.g. at flat index {index}.",
            pt="{call}: em [{key!r}], {count} entradas combinadas têm o sinal oposto ao eleito (o sinal da soma dos vetores aparados) ou são não nulas onde ele é 0, ex.: no índice achatado {index}.",
            call=call,
            key=key,
            count=int(wrong.sum()),
            index=int(torch.nonzero(wrong.reshape(-1))[0]) if bool(wrong.any()) else -1,
        )


@check("12.3", points=1, category="correctness", requires=check_ties_matches_definition)
def check_ties_full_density_agreeing_is_mean(ctx: CheckContext) -> None:
    """density 1 with every sign agreeing: the plain mean of the vectors (task arithmetic / n)."""
    pretrained, vectors = _ties_case(33, 3, 3, same_sign=True)
    got = ctx.student.ties_merge(pretrained, vectors, 1.0, 1.0)
    call = ctx.student.last_function_call
    for key in _float_keys(pretrained):
        mean = sum(v[key].double() for v in vectors) / len(vectors)
        expect_close(
            got[key],
            pretrained[key].double() + mean,
            what=f"[{key!r}]",
            context=call,
            rtol=1e-5,
            atol=1e-5,
        )


@check("12.3", points=1, category="correctness", requires=check_ties_matches_definition)
def check_ties_rejects_bad_density(ctx: CheckContext) -> None:
    """density 0, negative or above 1 raises ValueError."""
    pretrained, vectors = _ties_case(34, 2, 2)
    for density in (0.0, -0.25, 1.5):
        expect_raises("ValueError", ctx.student.ties_merge, pretrained, vectors, density, 1.0)


@check("12.3", points=1, category="side-effects", requires=check_ties_matches_definition)
def check_ties_inputs_untouched(ctx: CheckContext) -> None:
    """The pretrained dict and the vectors are left as they were."""
    pretrained, vectors = _ties_case(35, 3, 3)
    expect_inputs_untouched(ctx.student.ties_merge, pretrained, vectors, 0.5, 1.0)


# END HIDDEN
