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


# BEGIN HIDDEN
# Statement requirement -> checks (audit; inputs covered in brackets).
# 4.1 redistribute_neurons: k widths, sum 2n, differ by <= 1 [n 1..3000, k 1..min(64, 2n); any
#     order] -> redistribute_seed_examples_public, redistribute_properties, architecture_
#     comparison_table; n < 1, k < 1, k > 2n raise ValueError -> redistribute_rejects_bad_input.
# 4.1 count_parameters: trainable only, buffers excluded, all frozen = 0 -> count_parameters_small_
#     mlp_public, count_parameters_trainable_only; shared counted once -> ..._shared_counted_once.
# 4.1 measure_latency: timing of model(x) -> latency_grows_with_model_size, latency_positive_and_
#     finite; seconds of ONE forward (median, not ms, not a sum) -> latency_is_seconds_per_forward;
#     mode and state (BatchNorm stats) unchanged [train and eval] -> latency_leaves_model_unchanged.
# 4.2 linear_cka: the formula [float64, n 6..60, p, q 1..8] -> cka_identical_representations_
#     public, cka_matches_reference; float64 computation [float32 inputs, n = 5000, far from 0] ->
#     cka_float32_inputs; 1 on (X, X), symmetry, orthogonal / isotropic scaling / shift invariance,
#     not invariant to invertible maps, in [0, 1] -> cka_self_similarity, cka_symmetric,
#     cka_orthogonal_invariance, cka_isotropic_scaling_invariance, cka_shift_invariance,
#     cka_not_invariant_to_invertible_maps, cka_in_unit_interval; ValueError on zero variance /
#     different rows -> cka_zero_variance_raises, cka_mismatched_rows_raise; n = 20 000 in 5 s ->
#     cka_large_n_is_fast.
# 4.3 extract_representations: outputs of named submodules [nested names, any order] ->
#     extract_small_mlp_public, extract_matches_forward; X numpy float32/float64 or tensor, one
#     sample or several -> extract_admitted_inputs; eval mode -> extract_uses_eval_mode; flattened
#     to (n, d) -> extract_flattens_outputs; plain numpy -> extract_values_are_numpy_arrays; hooks
#     removed, mode/weights/buffers restored [train and eval], also when raising ->
#     extract_removes_hooks, extract_restores_mode_and_state, extract_leaves_model_when_raising;
#     unknown name -> extract_unknown_layer_raises. Not tested: "a single forward pass".
# 4.3 concat_representations: order of layer_names, (n, sum d) -> concat_order_and_shape,
#     concat_feeds_classifier; ValueError (rows differ, empty names) -> concat_rejects_bad_input.
# 4.4 layer_probe_accuracies: judge's probe within PROBE_MARGIN -> probe_accuracies_match_judge;
#     trend -> probe_trend_with_depth; fit on train, score on test -> probe_scored_on_test_labels_
#     only; model untouched -> probe_leaves_model_untouched.
# 4.5 reinit_robustness: copies init_state -> reinit_to_same_weights_changes_nothing_public,
#     reinit_uses_init_state; keys = direct parameter owners, "" for a root owning parameters ->
#     reinit_keys_are_parameter_owners; one layer at a time -> reinit_one_layer_at_a_time; model
#     bit-identical, same mode -> reinit_restores_model; digits figures -> reinit_matches_reference.
#     Not tested: "buffers stay as they are" (no fixture with buffers in init_state).
# 4.5 classify_layers -> classify_layers_small_example_public, classify_layers_boundaries (<=),
#     classify_layers_default_tolerance, robust_critical_labels_match_reference.
import functools  # noqa: E402
from collections.abc import Callable  # noqa: E402

import hypothesis.strategies as st  # noqa: E402

from harness.checks import (  # noqa: E402
    StudentRaised,
    accuracy,
    bars_vs_reference,
    digits,
    expect_model_untouched,
    expect_raises,
    expect_shape,
    for_all,
    load_or_build,
    model_snapshot,
    not_assessed,
)
from harness.fixtures.ch04_deep_learning import (  # noqa: E402
    DIGITS_WIDTHS,
    RINGS_CLASSES,
    RINGS_WIDTHS,
    digits_model,
    mlp,
    rings_model,
    rings_split,
)

# ---------------------------------------------------------------------------------------------
# Judge-side helpers


def _judge_reps(model: nn.Module, X: np.ndarray, names: list[str]) -> dict[str, np.ndarray]:
    """The judge's own extraction (eval mode, no grad) on a judge-owned copy of the model."""
    modules = dict(model.named_modules())
    captured: dict[str, torch.Tensor] = {}
    handles = [
        modules[name].register_forward_hook(
            lambda _m, _a, out, name=name: captured.__setitem__(name, out.detach())
        )
        for name in names
    ]
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(torch.as_tensor(np.asarray(X), dtype=torch.float32))
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    return {name: captured[name].reshape(len(X), -1).numpy() for name in names}


def _judge_probe(
    train: np.ndarray, y_train: np.ndarray, test: np.ndarray, y_test: np.ndarray
) -> float:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    return float(probe.fit(train, y_train).score(test, y_test))


def _disagreements(
    got: dict[str, float], want: dict[str, float], margin: float
) -> dict[str, tuple[object, float]]:
    """{name: (got, want)} wherever got lacks the name, is NaN or is further than margin."""
    off: dict[str, tuple[object, float]] = {}
    for name, expected in want.items():
        value = got.get(name, float("nan"))
        if not abs(value - expected) <= margin:
            off[name] = (round(value, 4) if name in got else "missing", round(expected, 4))
    return off


def _expect_call_leaves_model(
    ctx: CheckContext,
    model: nn.Module,
    call: Callable[[object], object],
    label: str | Text,
    **parts: bool,
) -> None:
    """``call(handle)`` on the judge's model put in the worker leaves it as it was."""
    handle = ctx.student.put(model)
    before = model_snapshot(handle)
    call(handle)
    expect_model_untouched(handle, before, context=label, **parts)


# ---------------------------------------------------------------------------------------------
# 4.1 width versus depth


def _show_nk(case: tuple[int, int]) -> str:
    return f"redistribute_neurons(n={case[0]}, k={case[1]})"


@check("4.1", points=2, category="correctness")
def check_redistribute_properties(ctx: CheckContext) -> None:
    """k widths, summing to 2n, differing by at most one, none empty."""

    def prop(case: tuple[int, int]) -> None:
        n, k = case
        k = min(k, 2 * n)
        widths = ctx.student.redistribute_neurons(n, k)
        call = ctx.student.last_call
        expect(
            len(widths) == k,
            en="{call} should return {k} widths (one per layer), got {got}: {widths}.",
            pt="{call} deveria retornar {k} larguras (uma por camada), obteve {got}: {widths}.",
            call=call,
            k=k,
            got=len(widths),
            widths=widths[:12],
        )
        expect(
            sum(widths) == 2 * n,
            en="{call}: the widths {widths} sum to {got}, but the {{n, n}} network has 2n = {expected} units to redistribute.",
            pt="{call}: as larguras {widths} somam {got}, mas a rede {{n, n}} tem 2n = {expected} neurônios para redistribuir.",
            call=call,
            widths=widths[:12],
            got=sum(widths),
            expected=2 * n,
        )
        expect(
            min(widths) >= 1 and max(widths) - min(widths) <= 1,
            en="{call} = {widths}: the distribution must be as even as possible (widths differ by at most 1, none empty).",
            pt="{call} = {widths}: a distribuição deve ser a mais uniforme possível (larguras diferem em no máximo 1, nenhuma vazia).",
            call=call,
            widths=widths[:12],
        )

    for_all(
        st.tuples(st.integers(1, 3000), st.integers(1, 64)),
        prop,
        examples=25,
        show=lambda c: _show_nk((c[0], min(c[1], 2 * c[0]))),
    )


@check("4.1", points=1, category="stability", requires=check_redistribute_properties)
def check_redistribute_rejects_bad_input(ctx: CheckContext) -> None:
    for n, k in ((0, 2), (-3, 2), (4, 0), (4, -1), (3, 7)):
        expect_raises("ValueError", ctx.student.redistribute_neurons, n, k)


def _partly_frozen_model() -> nn.Module:
    torch.manual_seed(3)
    model = nn.Sequential(
        nn.Linear(10, 20), nn.BatchNorm1d(20), nn.ReLU(), nn.Linear(20, 5), nn.Linear(5, 3)
    )
    model[0].requires_grad_(False)
    model[4].bias.requires_grad_(False)
    return model


@check("4.1", points=2, category="correctness")
def check_count_parameters_trainable_only(ctx: CheckContext) -> None:
    """Frozen parameters and buffers (BatchNorm statistics) are not trainable parameters."""
    model = _partly_frozen_model()
    expected = 20 + 20 + 20 * 5 + 5 + 5 * 3  # BN weight, bias; Linear(20, 5); Linear(5, 3) weight
    count = ctx.student.count_parameters(ctx.student.put(model))
    expect(
        count == expected,
        en="count_parameters on Sequential(Linear(10, 20) [frozen], BatchNorm1d(20), ReLU(), Linear(20, 5), Linear(5, 3) [bias frozen]) returned {got}, expected {expected}: only parameters with requires_grad=True count; buffers such as running_mean are not parameters.",
        pt="count_parameters em Sequential(Linear(10, 20) [congelada], BatchNorm1d(20), ReLU(), Linear(20, 5), Linear(5, 3) [viés congelado]) retornou {got}, esperado {expected}: só contam parâmetros com requires_grad=True; buffers como running_mean não são parâmetros.",
        got=count,
        expected=expected,
    )
    model.requires_grad_(False)
    count = ctx.student.count_parameters(model)
    expect(
        count == 0,
        en="count_parameters on the same model with every parameter frozen returned {got}, expected 0.",
        pt="count_parameters no mesmo modelo com todos os parâmetros congelados retornou {got}, esperado 0.",
        got=count,
    )


@check("4.1", points=1, category="correctness")
def check_count_parameters_shared_counted_once(ctx: CheckContext) -> None:
    shared = nn.Linear(8, 8)
    model = nn.Sequential(shared, nn.ReLU(), shared, nn.ReLU(), nn.Linear(8, 2))
    count = ctx.student.count_parameters(model)
    expect(
        count == 72 + 18,
        en="count_parameters on Sequential(L, ReLU(), L, ReLU(), Linear(8, 2)) with the same Linear(8, 8) L used twice returned {got}, expected 90: a shared parameter is one parameter (model.parameters() lists it once).",
        pt="count_parameters em Sequential(L, ReLU(), L, ReLU(), Linear(8, 2)) com a mesma Linear(8, 8) L usada duas vezes retornou {got}, esperado 90: um parâmetro compartilhado é um parâmetro só (model.parameters() o lista uma vez).",
        got=count,
    )


def _big_model() -> tuple[nn.Module, torch.Tensor]:
    torch.manual_seed(4)
    layers: list[nn.Module] = []
    for _ in range(4):
        layers += [nn.Linear(512, 512), nn.ReLU()]
    return nn.Sequential(*layers).eval(), torch.randn(256, 512)


@check("4.1", points=2, category="correctness", timeout=30.0)
def check_latency_grows_with_model_size(ctx: CheckContext) -> None:
    """A 4 x Linear(512, 512) MLP on 256 rows costs far more than one Linear(8, 2) on 256 rows."""
    torch.manual_seed(6)
    small = ctx.student.measure_latency(nn.Linear(8, 2).eval(), torch.randn(256, 8))
    big = ctx.student.measure_latency(*_big_model())
    expect(
        small > 0 and big >= 5 * small,
        en="measure_latency gave {small:.3g} s for Linear(8, 2) and {big:.3g} s for four Linear(512, 512) layers (about 50 000 times the arithmetic) on the same 256 rows; the latency must come from timing model(x), at least 5 times longer for the big model.",
        pt="measure_latency deu {small:.3g} s para Linear(8, 2) e {big:.3g} s para quatro camadas Linear(512, 512) (cerca de 50 000 vezes mais contas) nas mesmas 256 linhas; a latência deve vir de cronometrar model(x), ao menos 5 vezes maior para o modelo grande.",
        small=small,
        big=big,
    )


@check(
    "4.1",
    points=1,
    category="stability",
    timeout=30.0,
    requires=check_latency_grows_with_model_size,
)
def check_latency_positive_and_finite(ctx: CheckContext) -> None:
    torch.manual_seed(5)
    seconds = ctx.student.measure_latency(nn.Sequential(nn.Linear(16, 4)), torch.randn(32, 16))
    expect(
        np.isfinite(seconds) and seconds > 0,
        en="{call} returned {got}; a latency must be a positive, finite number of seconds.",
        pt="{call} retornou {got}; uma latência deve ser um número positivo e finito de segundos.",
        call=ctx.student.last_call,
        got=seconds,
    )


def _judge_latency(model: nn.Module, x: torch.Tensor, repeats: int = 7) -> float:
    import time

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the worker runs with one intra-op thread
    try:
        times = []
        with torch.no_grad():
            model(x)
            for _ in range(repeats):
                start = time.perf_counter()
                model(x)
                times.append(time.perf_counter() - start)
    finally:
        torch.set_num_threads(threads)
    return float(np.median(times))


@check(
    "4.1",
    points=1,
    category="correctness",
    timeout=30.0,
    requires=check_latency_grows_with_model_size,
)
def check_latency_is_seconds_per_forward(ctx: CheckContext) -> None:
    """Within a factor of 6 of the judge's own timing of one forward pass (not ms, not a sum)."""
    model, x = _big_model()
    got = ctx.student.measure_latency(model, x)
    reference = _judge_latency(model, x)
    expect(
        reference / 6 <= got <= reference * 6,
        en="measure_latency(4 x Linear(512, 512), x of shape (256, 512)) returned {got:.3g}, but the judge times one forward pass of that batch at {ref:.3g} s; return seconds (not milliseconds) for a single forward pass (a median or mean over repeats, not their sum).",
        pt="measure_latency(4 x Linear(512, 512), x de forma (256, 512)) retornou {got:.3g}, mas o corretor mede uma passagem forward desse lote em {ref:.3g} s; retorne segundos (não milissegundos) de uma única passagem forward (mediana ou média das repetições, não a soma).",
        got=got,
        ref=reference,
    )


def _bn_dropout_model(seed: int) -> nn.Module:
    torch.manual_seed(seed)
    model = nn.Sequential(
        nn.Linear(6, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 3)
    )
    with torch.no_grad():  # non-trivial running statistics
        model[1].running_mean.uniform_(-1.0, 1.0)
        model[1].running_var.uniform_(0.5, 2.0)
        model[1].num_batches_tracked.fill_(7)
    return model


@check(
    "4.1",
    points=2,
    category="side-effects",
    timeout=30.0,
    requires=check_latency_grows_with_model_size,
)
def check_latency_leaves_model_unchanged(ctx: CheckContext) -> None:
    """Train-mode and eval-mode models come back in their mode, with the same state_dict."""
    x = torch.randn(64, 6)
    for training in (True, False):
        _expect_call_leaves_model(
            ctx,
            _bn_dropout_model(7).train(training),
            lambda handle: ctx.student.measure_latency(handle, x),
            f"measure_latency(<model with BatchNorm and Dropout in {'train' if training else 'eval'} mode>, x)",
        )


@check("4.1", points=1, category="correctness", timeout=60.0)
def check_architecture_comparison_table(ctx: CheckContext) -> None:
    """{n, n} against k layers for n = 512: counts checked against the judge's, table attached."""
    n, in_features, out_features = 512, 64, 10
    torch.manual_seed(8)
    x = torch.randn(128, in_features)
    rows = []
    problems = []
    for k in (2, 4, 8):
        widths = ctx.student.redistribute_neurons(n, k)
        if sum(widths) != 2 * n or len(widths) != k or min(widths, default=0) < 1:
            problems.append(f"redistribute_neurons({n}, {k}) = {widths[:10]}")
            continue
        model = mlp(in_features, tuple(widths), out_features).eval()
        expected = sum(p.numel() for p in model.parameters())
        counted = ctx.student.count_parameters(model)
        seconds = ctx.student.measure_latency(model, x)
        if counted != expected:
            problems.append(f"count_parameters(k={k}) = {counted}, judge counts {expected}")
        shown = widths if len(widths) <= 4 else f"{{{widths[0]}}} x {len(widths)}"
        storage = round(expected * 4 / 1024, 1)
        rows.append([k, str(shown), counted, expected, storage, f"{seconds * 1e3:.3g}"])
    ctx.attach_table(
        Text(
            en=f"{{n, n}} with n = {n} spread over k layers (input {in_features}, output {out_features}, batch of {len(x)})",
            pt=f"{{n, n}} com n = {n} distribuído em k camadas (entrada {in_features}, saída {out_features}, lote de {len(x)})",
        ),
        [
            "k",
            "widths",
            "trainable parameters (student)",
            "parameters (judge)",
            "storage float32 (KiB)",
            "latency (ms, student)",
        ],
        rows,
    )
    expect(
        not problems,
        en="the comparison table could not be built consistently: {problems}.",
        pt="a tabela comparativa não pôde ser montada de forma consistente: {problems}.",
        problems="; ".join(problems),
    )


# ---------------------------------------------------------------------------------------------
# 4.2 linear CKA


def _cka64(X: np.ndarray, Y: np.ndarray) -> float:
    X = X - X.mean(axis=0)
    Y = Y - Y.mean(axis=0)
    return float(np.linalg.norm(Y.T @ X) ** 2 / (np.linalg.norm(X.T @ X) * np.linalg.norm(Y.T @ Y)))


_CKA_CASES = st.tuples(
    st.integers(0, 2**31 - 1), st.integers(6, 60), st.integers(1, 8), st.integers(1, 8)
)


def _cka_data(case: tuple[int, int, int, int]) -> tuple[np.ndarray, np.ndarray]:
    seed, n, p, q = case
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3.0, size=p) + rng.normal(0, 2, size=p)
    mix = rng.normal(size=(p, q))
    Y = np.tanh(X @ mix) + 0.5 * rng.normal(size=(n, q))
    return X, Y


def _show_cka(case: tuple[int, int, int, int]) -> str:
    seed, n, p, q = case
    return f"X of shape ({n}, {p}), Y of shape ({n}, {q}) (data seed {seed})"


def _expect_cka_matches(ctx: CheckContext, case: tuple, dtype: type = np.float64, shift=0) -> None:
    X, Y = (a.astype(dtype) + dtype(shift) for a in _cka_data(case))
    value = ctx.student.linear_cka(X, Y)
    expected = float(ctx.reference.linear_cka(X, Y))
    expect(
        abs(value - expected) <= 1e-6 + 1e-5 * abs(expected),
        en="{call} returned {got!r}, expected {expected!r} (linear CKA: ||Y^T X||_F^2 / (||X^T X||_F ||Y^T Y||_F) on column-centred X and Y, computed in float64).",
        pt="{call} retornou {got!r}, esperado {expected!r} (CKA linear: ||Y^T X||_F^2 / (||X^T X||_F ||Y^T Y||_F) com X e Y centralizados por coluna, calculado em float64).",
        call=ctx.student.last_call,
        got=value,
        expected=expected,
    )


@check("4.2", points=2, category="correctness")
def check_cka_matches_reference(ctx: CheckContext) -> None:
    for_all(_CKA_CASES, functools.partial(_expect_cka_matches, ctx), examples=15, show=_show_cka)


@check("4.2", points=1, category="correctness", requires=check_cka_matches_reference)
def check_cka_float32_inputs(ctx: CheckContext) -> None:
    """float32 representations (as a network gives them), columns far from 0 (n = 5000): numpy
    float32 sums lose the precision that the float64 computation of the statement keeps."""
    for seed in (15, 16, 17):
        _expect_cka_matches(ctx, (seed, 5000, 6, 4), np.float32, 1e4)


@check("4.2", points=1, category="correctness", requires=check_cka_matches_reference)
def check_cka_self_similarity(ctx: CheckContext) -> None:
    def prop(case: tuple[int, int, int, int]) -> None:
        X, _ = _cka_data(case)
        value = ctx.student.linear_cka(X, X)
        expect(
            abs(value - 1.0) <= 1e-6,
            en="{call} = {got!r}; the CKA of a representation with itself is 1.",
            pt="{call} = {got!r}; o CKA de uma representação com ela mesma é 1.",
            call=ctx.student.last_call,
            got=value,
        )

    for_all(_CKA_CASES, prop, examples=10, show=_show_cka)


@check("4.2", points=1, category="correctness", requires=check_cka_matches_reference)
def check_cka_symmetric(ctx: CheckContext) -> None:
    def prop(case: tuple[int, int, int, int]) -> None:
        X, Y = _cka_data(case)
        xy = ctx.student.linear_cka(X, Y)
        call = ctx.student.last_call
        yx = ctx.student.linear_cka(Y, X)
        expect(
            abs(xy - yx) <= 1e-6 * max(1.0, abs(xy)),
            en="linear_cka(X, Y) = {xy!r} but linear_cka(Y, X) = {yx!r}; CKA is symmetric ({call}).",
            pt="linear_cka(X, Y) = {xy!r} mas linear_cka(Y, X) = {yx!r}; o CKA é simétrico ({call}).",
            xy=xy,
            yx=yx,
            call=call,
        )

    for_all(_CKA_CASES, prop, examples=10, show=_show_cka)


def _expect_cka_invariant(ctx: CheckContext, transform, label: Text) -> None:
    def prop(case: tuple[int, int, int, int]) -> None:
        X, Y = _cka_data(case)
        rng = np.random.default_rng(case[0] + 1)
        original = ctx.student.linear_cka(X, Y)
        call = ctx.student.last_call
        moved = ctx.student.linear_cka(transform(X, rng), Y)
        expect(
            abs(original - moved) <= 1e-6,
            en="{call} = {a!r}, but after {what} of X, {moved_call} = {b!r}; linear CKA does not change under {what}.",
            pt="{call} = {a!r}, mas após {what} de X, {moved_call} = {b!r}; o CKA linear não muda sob {what}.",
            call=call,
            a=original,
            what=label,
            moved_call=ctx.student.last_call,
            b=moved,
        )

    for_all(_CKA_CASES, prop, examples=10, show=_show_cka)


def _orthogonal(X: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    p = X.shape[1]
    Q, R = np.linalg.qr(rng.normal(size=(p, p)))
    return X @ (Q * np.sign(np.diag(R)))


@check("4.2", points=2, category="correctness", requires=check_cka_matches_reference)
def check_cka_orthogonal_invariance(ctx: CheckContext) -> None:
    _expect_cka_invariant(
        ctx, _orthogonal, Text(en="an orthogonal transform", pt="uma transformação ortogonal")
    )


@check("4.2", points=1, category="correctness", requires=check_cka_matches_reference)
def check_cka_isotropic_scaling_invariance(ctx: CheckContext) -> None:
    _expect_cka_invariant(
        ctx,
        lambda X, rng: X * float(10.0 ** rng.uniform(-3, 3)),
        Text(en="an isotropic scaling", pt="uma escala isotrópica"),
    )


@check("4.2", points=2, category="correctness", requires=check_cka_matches_reference)
def check_cka_shift_invariance(ctx: CheckContext) -> None:
    _expect_cka_invariant(
        ctx,
        lambda X, rng: X + rng.normal(0.0, 20.0, size=X.shape[1]),
        Text(en="a shift of the columns", pt="um deslocamento das colunas"),
    )


@check("4.2", points=2, category="correctness", requires=check_cka_matches_reference)
def check_cka_not_invariant_to_invertible_maps(ctx: CheckContext) -> None:
    """With n >> p, an ill-conditioned invertible map changes CKA (CCA-like measures would not):
    CKA(X, X A) is well below 1, and about what linear CKA gives (not merely low)."""
    rng = np.random.default_rng(11)
    X = rng.normal(size=(400, 4))
    Q1, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    Q2, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    A = Q1 @ np.diag([1.0, 3.0, 10.0, 30.0]) @ Q2
    expected = _cka64(X, X @ A)
    value = ctx.student.linear_cka(X, X @ A)
    expect(
        abs(value - expected) <= 0.1,
        en="for X of shape (400, 4) and an invertible A with singular values 1, 3, 10, 30, linear_cka(X, X @ A) returned {got:.4f}, expected about {expected:.3f}: linear CKA is not invariant to arbitrary invertible maps (a measure that whitens the representations, as CCA does, would give 1), yet X @ A is still similar to X.",
        pt="para X de forma (400, 4) e uma A inversível com valores singulares 1, 3, 10, 30, linear_cka(X, X @ A) retornou {got:.4f}, esperado cerca de {expected:.3f}: o CKA linear não é invariante a transformações inversíveis quaisquer (uma medida que branqueia as representações, como a CCA, daria 1), mas X @ A ainda se parece com X.",
        got=value,
        expected=expected,
    )


@check("4.2", points=1, category="correctness", requires=check_cka_matches_reference)
def check_cka_in_unit_interval(ctx: CheckContext) -> None:
    def prop(case: tuple[int, int, int, int]) -> None:
        seed, n, p, q = case
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(n, p))
        for Y, label in (
            (rng.normal(size=(n, q)), "independent Y"),
            (-X[:, : max(1, p // 2)], "Y = -X[:, :p//2]"),
            (_cka_data(case)[1], "Y = tanh(X M) + noise"),
        ):
            value = ctx.student.linear_cka(X, Y)
            expect(
                -1e-9 <= value <= 1.0 + 1e-9,
                en="{call} ({label}) = {got!r}; linear CKA lies in [0, 1].",
                pt="{call} ({label}) = {got!r}; o CKA linear fica em [0, 1].",
                call=ctx.student.last_call,
                label=label,
                got=value,
            )

    for_all(_CKA_CASES, prop, examples=8, show=_show_cka)


@check("4.2", points=1, category="stability", requires=check_cka_matches_reference)
def check_cka_zero_variance_raises(ctx: CheckContext) -> None:
    rng = np.random.default_rng(12)
    Y = rng.normal(size=(20, 3))
    expect_raises("ValueError", ctx.student.linear_cka, np.full((20, 3), 5.0), Y)
    expect_raises("ValueError", ctx.student.linear_cka, Y, np.zeros((20, 2)))


@check("4.2", points=1, category="stability", requires=check_cka_matches_reference)
def check_cka_mismatched_rows_raise(ctx: CheckContext) -> None:
    rng = np.random.default_rng(13)
    expect_raises(
        "ValueError", ctx.student.linear_cka, rng.normal(size=(20, 3)), rng.normal(size=(19, 3))
    )


@check("4.2", points=1, category="performance", timeout=15.0, requires=check_cka_matches_reference)
def check_cka_large_n_is_fast(ctx: CheckContext) -> None:
    """n = 20 000 samples: the feature-space form takes milliseconds; n x n Gram matrices do not fit."""
    rng = np.random.default_rng(14)
    X = rng.normal(size=(20_000, 10))
    Y = X[:, :6] @ rng.normal(size=(6, 12)) + rng.normal(size=(20_000, 12))
    ctx.student.linear_cka.with_timeout(10.0)(X, Y)
    expect(
        ctx.student.last_call_seconds <= 5.0,
        en="linear_cka on n = 20000 samples took {s:.1f} s; use the feature-space form ||Y^T X||_F^2 / (||X^T X||_F ||Y^T Y||_F), which costs O(n p q), instead of n x n Gram matrices.",
        pt="linear_cka com n = 20000 amostras levou {s:.1f} s; use a forma no espaço de atributos ||Y^T X||_F^2 / (||X^T X||_F ||Y^T Y||_F), que custa O(n p q), em vez de matrizes de Gram n x n.",
        s=ctx.student.last_call_seconds,
    )


# ---------------------------------------------------------------------------------------------
# 4.3 extracting representations


def _nested_model(seed: int) -> nn.Module:
    torch.manual_seed(seed)
    model = nn.Sequential(
        nn.Linear(6, 12),
        nn.Sequential(nn.BatchNorm1d(12), nn.ReLU(), nn.Linear(12, 8)),
        nn.Tanh(),
        nn.Dropout(0.5),
        nn.Linear(8, 4),
    )
    with torch.no_grad():
        model[1][0].running_mean.uniform_(-1.0, 1.0)
        model[1][0].running_var.uniform_(0.5, 2.0)
        model[1][0].weight.uniform_(0.5, 1.5)
    return model


NESTED_NAMES = ["4", "1.1", "0", "1.2", "1"]
REPS = Text(en="the dict of representations", pt="o dict de representações")


@check("4.3", points=2, category="correctness")
def check_extract_matches_forward(ctx: CheckContext) -> None:
    """Nested names, any order: each value is that submodule's output in eval mode."""
    model = _nested_model(21).eval()
    X = ctx.rng.normal(size=(25, 6)).astype(np.float32)
    reps = ctx.student.extract_representations(model, X, NESTED_NAMES)
    call = ctx.student.last_call
    expect_keys(reps, NESTED_NAMES, what=REPS)
    expected = _judge_reps(model, X, NESTED_NAMES)
    for name in NESTED_NAMES:
        expect_close(
            reps[name],
            expected[name],
            what=f"reps[{name!r}]",
            context=Text(
                en=f"{call} on Sequential(Linear, Sequential(BatchNorm1d, ReLU, Linear), Tanh, Dropout, Linear) in eval mode: reps[{name!r}] must be the output of the submodule named {name!r}",
                pt=f"{call} em Sequential(Linear, Sequential(BatchNorm1d, ReLU, Linear), Tanh, Dropout, Linear) em modo eval: reps[{name!r}] deve ser a saída do submódulo chamado {name!r}",
            ),
            rtol=1e-4,
            atol=1e-5,
        )


@check("4.3", points=1, category="shape", requires=check_extract_matches_forward)
def check_extract_values_are_numpy_arrays(ctx: CheckContext) -> None:
    """The statement asks for plain numpy arrays (no tensors, no autograd graph)."""
    X = ctx.rng.normal(size=(12, 6)).astype(np.float32)
    reps = ctx.student.extract_representations(_nested_model(20).eval(), X, ["0", "1.2"])
    kinds = {name: type(value).__name__ for name, value in reps.items()}
    expect(
        all(isinstance(value, np.ndarray) for value in reps.values()),
        en="{call}: the values should be plain numpy arrays (detached from autograd, e.g. output.detach().cpu().numpy()), got {kinds}.",
        pt="{call}: os valores deveriam ser arrays numpy comuns (desligados do autograd, ex.: output.detach().cpu().numpy()), obteve {kinds}.",
        call=ctx.student.last_call,
        kinds=kinds,
    )


@check("4.3", points=1, category="correctness")
def check_extract_uses_eval_mode(ctx: CheckContext) -> None:
    """A model received in train mode: BatchNorm uses running statistics, Dropout is off."""
    model = _nested_model(22).train()
    X = ctx.rng.normal(size=(30, 6)).astype(np.float32)
    names = ["1", "4"]
    reps = ctx.student.extract_representations(model, X, names)
    expect_keys(reps, names, what=REPS)
    expected = _judge_reps(model, X, names)
    for name in names:
        expect_close(
            reps[name],
            expected[name],
            what=f"reps[{name!r}]",
            context=Text(
                en=f"{ctx.student.last_call} on a model in train mode (with BatchNorm and Dropout): representations are computed in eval mode (running statistics, no dropout)",
                pt=f"{ctx.student.last_call} num modelo em modo train (com BatchNorm e Dropout): as representações são calculadas em modo eval (estatísticas acumuladas, sem dropout)",
            ),
            rtol=1e-4,
            atol=1e-5,
        )


@check("4.3", points=1, category="shape")
def check_extract_flattens_outputs(ctx: CheckContext) -> None:
    """A Conv1d output (7, 3, 8) comes back as (7, 24) (the contract fixes two dimensions)."""
    torch.manual_seed(23)
    model = nn.Sequential(
        nn.Unflatten(1, (1, 10)), nn.Conv1d(1, 3, 3), nn.ReLU(), nn.Flatten(), nn.Linear(24, 2)
    ).eval()
    X = ctx.rng.normal(size=(7, 10)).astype(np.float32)
    reps = ctx.student.extract_representations(model, X, ["1", "4"])
    expect_keys(reps, ["1", "4"], what=REPS)
    expect_close(
        reps["1"], _judge_reps(model, X, ["1"])["1"], what='reps["1"]', rtol=1e-4, atol=1e-5
    )


@check("4.3", points=1, category="stability")
def check_extract_admitted_inputs(ctx: CheckContext) -> None:
    """One sample or several; X a float32 or float64 numpy array, or a tensor."""
    torch.manual_seed(24)
    model = nn.Sequential(nn.Linear(4, 5), nn.ReLU(), nn.Linear(5, 2)).eval()
    X = np.ones((6, 4), dtype=np.float32)
    X[1:] = ctx.rng.normal(size=(5, 4))
    for given in (X[:1], X.astype(np.float64), torch.from_numpy(X[:1]), torch.from_numpy(X)):
        reps = ctx.student.extract_representations(model, given, ["1", "2"])
        expect_keys(reps, ["1", "2"], what=REPS)
        want = _judge_reps(model, X[: len(given)], ["2"])["2"]
        expect_close(reps["2"], want, what='reps["2"]', rtol=1e-4)


@check("4.3", points=2, category="side-effects", requires=check_extract_matches_forward)
def check_extract_removes_hooks(ctx: CheckContext) -> None:
    X = ctx.rng.normal(size=(9, 6)).astype(np.float32)
    _expect_call_leaves_model(
        ctx,
        _nested_model(25).eval(),
        lambda handle: ctx.student.extract_representations(handle, X, NESTED_NAMES),
        f"extract_representations(model, X, {NESTED_NAMES})",
        weights=False,
        modes=False,
        flags=False,
    )


@check("4.3", points=2, category="side-effects", requires=check_extract_matches_forward)
def check_extract_restores_mode_and_state(ctx: CheckContext) -> None:
    """Train-mode and eval-mode models: same flags and bit-identical state_dict afterwards."""
    X = ctx.rng.normal(size=(16, 6)).astype(np.float32)
    for training in (True, False):
        _expect_call_leaves_model(
            ctx,
            _nested_model(26).train(training),
            lambda handle: ctx.student.extract_representations(handle, X, ["1.1", "4"]),
            f"extract_representations(<model in {'train' if training else 'eval'} mode>, X, ['1.1', '4'])",
            hooks=False,
        )


@check("4.3", points=1, category="stability", requires=check_extract_matches_forward)
def check_extract_unknown_layer_raises(ctx: CheckContext) -> None:
    X = ctx.rng.normal(size=(8, 6)).astype(np.float32)
    expect_raises(
        "ValueError", ctx.student.extract_representations, _nested_model(27), X, ["0", "nope"]
    )


@check("4.3", points=1, category="side-effects", requires=check_extract_matches_forward)
def check_extract_leaves_model_when_raising(ctx: CheckContext) -> None:
    """An unknown name makes it raise: no hook, no mode change, no weight change left behind."""
    X = ctx.rng.normal(size=(8, 6)).astype(np.float32)

    def call(handle: object) -> None:
        try:
            ctx.student.extract_representations(handle, X, ["0", "nope"])
        except StudentRaised as raised:
            if raised.is_a("NotImplementedError"):
                raise
            return
        not_assessed(
            en="{call} did not raise for the unknown name 'nope', so what it leaves behind when it raises could not be seen.",
            pt="{call} não levantou exceção para o nome desconhecido 'nope', então não foi possível ver o que ela deixa para trás quando levanta.",
            call=ctx.student.last_call,
        )

    _expect_call_leaves_model(
        ctx,
        _nested_model(27).train(),
        call,
        "extract_representations(<model in train mode>, X, ['0', 'nope']) (which raised)",
    )


@check("4.3", points=2, category="correctness")
def check_concat_order_and_shape(ctx: CheckContext) -> None:
    reps = {
        "a": ctx.rng.normal(size=(12, 3)),
        "b": ctx.rng.normal(size=(12, 5)),
        "c": ctx.rng.normal(size=(12, 2)),
    }
    for names in (["c", "a"], ["b", "c", "a"], ["a"]):
        got = ctx.student.concat_representations(reps, names)
        expect_close(
            got,
            np.concatenate([reps[name] for name in names], axis=1),
            what="the concatenation",
            context=Text(
                en=f"{ctx.student.last_call} with reps of widths a: 3, b: 5, c: 2 (the blocks go side by side in the order of layer_names {names})",
                pt=f"{ctx.student.last_call} com reps de larguras a: 3, b: 5, c: 2 (os blocos ficam lado a lado na ordem de layer_names {names})",
            ),
            rtol=1e-12,
            atol=0.0,
        )


@check("4.3", points=1, category="stability", requires=check_concat_order_and_shape)
def check_concat_rejects_bad_input(ctx: CheckContext) -> None:
    """Different row counts across layers, or no layer at all, raise ValueError."""
    reps = {"a": np.zeros((5, 2)), "b": np.ones((6, 2))}
    expect_raises("ValueError", ctx.student.concat_representations, reps, ["a", "b"])
    expect_raises("ValueError", ctx.student.concat_representations, reps, [])


@check(
    "4.3",
    points=2,
    category="behaviour",
    timeout=60.0,
    requires=(check_extract_matches_forward, check_concat_order_and_shape),
)
def check_concat_feeds_classifier(ctx: CheckContext) -> None:
    """Hidden layers of the trained rings MLP, concatenated, make rings linearly separable."""
    model = rings_model()
    X_train, y_train, X_test, y_test = rings_split()
    names = ["1", "3", "5", "7"]
    blocks = []
    for X in (X_train, X_test):
        reps = ctx.student.extract_representations(model, X, names)
        expect_keys(reps, names, what=REPS)
        features = ctx.student.concat_representations(reps, names)
        shape = (len(X), len(names) * RINGS_WIDTHS[0])
        blocks.append(expect_shape(features, shape, what="the concatenated representations"))
        expect(
            bool(np.isfinite(blocks[-1]).all()),
            en="{call} returned non-finite values; a classifier cannot be fitted on them.",
            pt="{call} retornou valores não finitos; não é possível ajustar um classificador com eles.",
            call=ctx.student.last_call,
        )
    score = _judge_probe(blocks[0], y_train, blocks[1], y_test)
    expect(
        score >= 0.8,
        en="a logistic regression trained by the judge on your concatenated hidden representations of the rings MLP reaches {score:.3f} test accuracy (at least 0.8 expected; about 0.35 on the raw inputs).",
        pt="uma regressão logística treinada pelo corretor nas suas representações ocultas concatenadas do MLP dos anéis chega a {score:.3f} de acurácia de teste (esperado ao menos 0.8; cerca de 0.35 nas entradas brutas).",
        score=score,
    )


# ---------------------------------------------------------------------------------------------
# 4.4 per-layer linear probes

PROBE_NAMES = ["0", "1", "3", "5", "7", "8"]
PROBE_MARGIN = 0.06


@functools.cache
def _judge_probe_accuracies(shuffle: bool) -> dict[str, float]:
    model = rings_model()
    X_train, y_train, X_test, y_test = _probe_data(shuffle)
    train = _judge_reps(model, X_train, PROBE_NAMES)
    test = _judge_reps(model, X_test, PROBE_NAMES)
    return {name: _judge_probe(train[name], y_train, test[name], y_test) for name in PROBE_NAMES}


def _probe_data(shuffle: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    X_train, y_train, X_test, y_test = rings_split()
    if shuffle:  # a small test set whose labels carry no information
        X_test, y_test = X_test[:150], np.random.default_rng(31).permutation(y_test[:150])
    return X_train, y_train, X_test, y_test


def _student_probe(ctx: CheckContext, shuffle: bool = False) -> dict[str, float]:
    X_train, y_train, X_test, y_test = _probe_data(shuffle)
    return ctx.student.layer_probe_accuracies(
        rings_model(), X_train, y_train, X_test, y_test, PROBE_NAMES
    )


@check("4.4", points=3, category="correctness", timeout=60.0)
def check_probe_accuracies_match_judge(ctx: CheckContext) -> None:
    got = _student_probe(ctx)
    want = _judge_probe_accuracies(False)
    ctx.attach_table(
        Text(
            en="Linear-probe test accuracy per layer of the rings MLP",
            pt="Acurácia de teste da sonda linear por camada do MLP dos anéis",
        ),
        ["layer", "student", "judge"],
        [[name, str(got.get(name, "missing")), round(want[name], 4)] for name in PROBE_NAMES],
    )
    off = _disagreements(got, want, PROBE_MARGIN)
    expect(
        not off,
        en="{call} on the trained rings MLP: the judge's own probe (StandardScaler + LogisticRegression fitted on the training representation, scored on the test one) disagrees by more than {margin} on {off} (layer: (yours, judge's)).",
        pt="{call} no MLP treinado dos anéis: a sonda do próprio corretor (StandardScaler + LogisticRegression ajustada na representação de treino, avaliada na de teste) discorda em mais de {margin} em {off} (camada: (sua, do corretor)).",
        call=ctx.student.last_call,
        margin=PROBE_MARGIN,
        off=off,
    )


@check(
    "4.4",
    points=2,
    category="behaviour",
    timeout=60.0,
    requires=check_probe_accuracies_match_judge,
)
def check_probe_trend_with_depth(ctx: CheckContext) -> None:
    """Rings: the first Linear's output is near chance, every later ReLU output far above it."""
    got = _student_probe(ctx)
    first = got.get("0", float("nan"))
    hidden = {name: round(got.get(name, float("nan")), 3) for name in ("1", "3", "5", "7")}
    expect(
        first <= 1.0 / RINGS_CLASSES + 0.1 and min(hidden.values()) >= first + 0.3,
        en="{call}: expected the first Linear layer ('0', a linear function of the input) near chance (1/3) and every ReLU output ('1', '3', '5', '7') at least 0.3 above it; got '0': {first:.3f} and {hidden}.",
        pt="{call}: esperava-se a primeira camada Linear ('0', função linear da entrada) perto do acaso (1/3) e toda saída ReLU ('1', '3', '5', '7') ao menos 0.3 acima; obteve '0': {first:.3f} e {hidden}.",
        call=ctx.student.last_call,
        first=first,
        hidden=hidden,
    )


@check(
    "4.4",
    points=2,
    category="leakage",
    timeout=60.0,
    requires=check_probe_accuracies_match_judge,
)
def check_probe_scored_on_test_labels_only(ctx: CheckContext) -> None:
    """With shuffled test labels an honest probe is at chance; fitting or scoring elsewhere is not."""
    got = _student_probe(ctx, shuffle=True)
    want = _judge_probe_accuracies(True)
    high = {
        name: (round(got.get(name, float("nan")), 3), round(want[name], 3))
        for name in PROBE_NAMES
        if not got.get(name, float("nan")) <= want[name] + 0.1
    }
    expect(
        not high,
        en="{call} with y_test randomly permuted (150 test rows): a probe fitted on the training set only and scored on (X_test, y_test) is at chance (about 1/3), but you report {high} (layer: (yours, judge's)); the probe must be fitted on (X_train, y_train) and scored on (X_test, y_test).",
        pt="{call} com y_test permutado ao acaso (150 linhas de teste): uma sonda ajustada só no treino e avaliada em (X_test, y_test) fica no acaso (cerca de 1/3), mas você reporta {high} (camada: (sua, do corretor)); a sonda deve ser ajustada em (X_train, y_train) e avaliada em (X_test, y_test).",
        call=ctx.student.last_call,
        high=high,
    )


@check(
    "4.4",
    points=1,
    category="side-effects",
    timeout=60.0,
    requires=check_probe_accuracies_match_judge,
)
def check_probe_leaves_model_untouched(ctx: CheckContext) -> None:
    X_train, y_train, X_test, y_test = rings_split()
    _expect_call_leaves_model(
        ctx,
        rings_model().train(),
        lambda handle: ctx.student.layer_probe_accuracies(
            handle, X_train[:200], y_train[:200], X_test[:100], y_test[:100], ["1", "8"]
        ),
        "layer_probe_accuracies(<rings MLP in train mode>, ...)",
    )


# ---------------------------------------------------------------------------------------------
# 4.5 robust and critical layers

TOLERANCE = 0.05
ACCURACIES = Text(en="the dict of accuracies", pt="o dict de acurácias")


def _digits_names() -> list[str]:
    return [str(i) for i in range(0, 2 * len(DIGITS_WIDTHS) + 1, 2)]


def _known_answer_case() -> tuple[nn.Module, dict[str, torch.Tensor], dict[str, float]]:
    """Trained digits MLP; init_state = trained values except the last layer (all zeros)."""
    model = digits_model()
    data = digits()
    init_state = {k: v.clone() for k, v in model.state_dict().items()}
    last = _digits_names()[-1]
    init_state[f"{last}.weight"].zero_()
    init_state[f"{last}.bias"].zero_()
    baseline = accuracy(model, data.X_test, data.y_test)
    expected = {name: baseline for name in _digits_names()}
    expected[last] = float(np.mean(data.y_test == 0))  # all-zero logits: argmax picks class 0
    return model, init_state, expected


@check("4.5", points=2, category="correctness")
def check_reinit_uses_init_state(ctx: CheckContext) -> None:
    """init_state equal to the trained weights except a zeroed last layer: answers known exactly."""
    model, init_state, expected = _known_answer_case()
    data = digits()
    got = ctx.student.reinit_robustness(model, init_state, data.X_test, data.y_test)
    wrong = _disagreements(got, expected, 1.5 / len(data.y_test))
    expect(
        not wrong,
        en="{call} on the trained digits MLP with init_state equal to its trained weights except the last layer, set to zeros: every layer but the last must keep the baseline accuracy and the last must give all-zero logits (class 0 everywhere); wrong for {wrong} (layer: (yours, expected)). Copy the values of init_state (do not draw new random weights).",
        pt="{call} no MLP treinado dos dígitos com init_state igual aos pesos treinados, exceto a última camada, zerada: toda camada exceto a última deve manter a acurácia de base e a última deve dar logits nulos (classe 0 em toda parte); errado para {wrong} (camada: (sua, esperada)). Copie os valores de init_state (não sorteie pesos novos).",
        call=ctx.student.last_call,
        wrong=wrong,
    )


@check("4.5", points=1, category="shape", requires=check_reinit_uses_init_state)
def check_reinit_keys_are_parameter_owners(ctx: CheckContext) -> None:
    """Nested modules: keys are the modules that own parameters directly, nothing else."""
    torch.manual_seed(41)
    model = nn.Sequential(
        nn.Sequential(nn.Linear(5, 9), nn.ReLU()),
        nn.Linear(9, 9),
        nn.ReLU(),
        nn.Sequential(nn.Sequential(nn.Linear(9, 3))),
    ).eval()
    init_state = {k: torch.zeros_like(v) for k, v in model.state_dict().items()}
    X = ctx.rng.normal(size=(30, 5)).astype(np.float32)
    y = ctx.rng.integers(0, 3, size=30)
    got = ctx.student.reinit_robustness(model, init_state, X, y)
    expect_keys(got, ["0.0", "1", "3.0.0"], what=ACCURACIES)
    root = nn.Linear(5, 3).eval()  # the root owns parameters: its key is ""
    zeros = {k: torch.zeros_like(v) for k, v in root.state_dict().items()}
    expect_keys(ctx.student.reinit_robustness(root, zeros, X, y), [""], what=ACCURACIES)


def _spare_unit_case(
    spare: int = 32,
) -> tuple[nn.Module, dict[str, torch.Tensor], dict[str, torch.Tensor]]:
    """The digits MLP with `spare` dead units after layer '0' that layer '2' ignores.

    In init_state the spare units of '0' are alive (random weights, positive bias) and layer '2'
    reads them with random weights; every other entry equals the trained value. Resetting '0'
    alone or '2' alone changes no logit; resetting both (cumulative resets) wrecks the model.
    """
    trained = load_or_build("ch04_digits_mlp_trained")
    rng = np.random.default_rng(43)
    width = DIGITS_WIDTHS[0]
    W0, b0, W2 = trained["0.weight"], trained["0.bias"], trained["2.weight"]
    state = dict(trained)
    state["0.weight"] = torch.cat([W0, torch.zeros(spare, 64)])
    state["0.bias"] = torch.cat([b0, -torch.ones(spare)])
    state["2.weight"] = torch.cat([W2, torch.zeros(DIGITS_WIDTHS[1], spare)], dim=1)
    init_state = {k: v.clone() for k, v in state.items()}
    init_state["0.weight"] = torch.cat(
        [W0, torch.as_tensor(rng.normal(size=(spare, 64)), dtype=torch.float32)]
    )
    init_state["0.bias"] = torch.cat([b0, 2.0 * torch.ones(spare)])
    init_state["2.weight"] = torch.cat(
        [W2, torch.as_tensor(rng.normal(size=(DIGITS_WIDTHS[1], spare)), dtype=torch.float32)],
        dim=1,
    )
    model = mlp(64, DIGITS_WIDTHS, 10)
    model[0] = nn.Linear(64, width + spare)
    model[2] = nn.Linear(width + spare, DIGITS_WIDTHS[1])
    model.load_state_dict(state)
    return model.eval(), init_state, state


@check("4.5", points=3, category="correctness", requires=check_reinit_uses_init_state)
def check_reinit_one_layer_at_a_time(ctx: CheckContext) -> None:
    """Each reset alone is harmless here; only accumulated resets ('0' still reset at '2') hurt."""
    model, init_state, _ = _spare_unit_case()
    data = digits()
    baseline = accuracy(model, data.X_test, data.y_test)
    got = ctx.student.reinit_robustness(model, init_state, data.X_test, data.y_test)
    fallen = _disagreements(
        got, {name: baseline for name in _digits_names()}, 1.5 / len(data.y_test)
    )
    expect(
        not fallen,
        en="{call}: this model was built so that re-initialising any single layer changes no prediction (baseline accuracy {baseline:.3f} for every layer), while re-initialising layers '0' and '2' together destroys it; you report {fallen} (layer: (yours, expected)). Restore the trained values of a layer before re-initialising the next one (one layer at a time, never cumulative).",
        pt="{call}: este modelo foi construído de modo que reinicializar qualquer camada sozinha não muda nenhuma predição (acurácia de base {baseline:.3f} para toda camada), enquanto reinicializar as camadas '0' e '2' juntas o destrói; você reporta {fallen} (camada: (sua, esperada)). Restaure os valores treinados de uma camada antes de reinicializar a próxima (uma camada por vez, nunca cumulativo).",
        call=ctx.student.last_call,
        baseline=baseline,
        fallen=fallen,
    )


@check("4.5", points=2, category="side-effects", requires=check_reinit_uses_init_state)
def check_reinit_restores_model(ctx: CheckContext) -> None:
    """The model comes back bit-identical and in its mode."""
    data = digits()
    init_state = load_or_build("ch04_digits_mlp_init")
    for training in (False, True):
        _expect_call_leaves_model(
            ctx,
            digits_model().train(training),
            lambda handle: ctx.student.reinit_robustness(
                handle, init_state, data.X_test[:200], data.y_test[:200]
            ),
            f"reinit_robustness(<trained digits MLP in {'train' if training else 'eval'} mode>, init_state, X, y)",
        )


@functools.cache
def _reference_case() -> tuple[dict[str, torch.Tensor], float]:
    data = digits()
    return load_or_build("ch04_digits_mlp_init"), accuracy(digits_model(), data.X_test, data.y_test)


@check("4.5", points=3, category="robustness", timeout=60.0)
def check_reinit_matches_reference(ctx: CheckContext) -> None:
    data = digits()
    init_state, baseline = _reference_case()
    reference = ctx.reference.reinit_robustness(
        digits_model(), init_state, data.X_test, data.y_test
    )
    got = ctx.student.reinit_robustness(digits_model(), init_state, data.X_test, data.y_test)
    ctx.attach_figure(
        Text(
            en="Layer re-initialisation: your accuracies vs the reference's",
            pt="Reinicialização por camada: suas acurácias vs as da referência",
        ),
        bars_vs_reference(
            got,
            reference,
            ylabel="test accuracy with the layer reset",
            baseline=baseline - TOLERANCE,
            baseline_label=f"robust threshold (trained {baseline:.3f} - {TOLERANCE})",
        ),
    )
    off = _disagreements(got, reference, 2.5 / len(data.y_test))
    expect(
        not off,
        en="{call} on the shipped digits MLP (init checkpoint, digits test split): the accuracies differ from the reference's for {off} (layer: (yours, reference)).",
        pt="{call} no MLP dos dígitos fornecido (checkpoint inicial, divisão de teste dos dígitos): as acurácias diferem das da referência para {off} (camada: (sua, referência)).",
        call=ctx.student.last_call,
        off=off,
    )


@check("4.5", points=2, category="robustness", timeout=60.0)
def check_robust_critical_labels_match_reference(ctx: CheckContext) -> None:
    data = digits()
    init_state, baseline = _reference_case()
    reference = ctx.reference.reinit_robustness(
        digits_model(), init_state, data.X_test, data.y_test
    )
    expected = ctx.reference.classify_layers(reference, baseline, TOLERANCE)
    if set(expected.values()) != {"robust", "critical"}:
        raise RuntimeError(f"the digits fixture should have robust and critical layers: {expected}")
    results = ctx.student.reinit_robustness(digits_model(), init_state, data.X_test, data.y_test)
    labels = ctx.student.classify_layers(results, baseline, TOLERANCE)
    expect(
        labels == expected,
        en="on the shipped digits MLP (baseline accuracy {baseline:.3f}, tolerance {tol}) your layers are labelled {got} ({call}); expected {expected}.",
        pt="no MLP dos dígitos fornecido (acurácia de base {baseline:.3f}, tolerância {tol}) suas camadas foram rotuladas {got} ({call}); esperado {expected}.",
        baseline=baseline,
        tol=TOLERANCE,
        got=labels,
        call=ctx.student.last_call,
        expected=expected,
    )


@check("4.5", points=2, category="correctness")
def check_classify_layers_boundaries(ctx: CheckContext) -> None:
    """Exactly at the tolerance is robust (dyadic numbers: the subtraction is exact)."""
    results = {"a": 0.75, "b": 0.625, "c": 0.8125, "d": 0.9375, "e": 0.0}
    expected = {"a": "robust", "b": "critical", "c": "robust", "d": "robust", "e": "critical"}
    got = ctx.student.classify_layers(results, 0.875, 0.125)
    expect(
        got == expected,
        en="classify_layers({results}, baseline=0.875, tolerance=0.125) returned {got}, expected {expected}: 'robust' when baseline - accuracy <= tolerance (0.875 - 0.75 = 0.125 exactly is robust; above the baseline is robust too).",
        pt="classify_layers({results}, baseline=0.875, tolerance=0.125) retornou {got}, esperado {expected}: 'robust' quando baseline - acurácia <= tolerância (0.875 - 0.75 = 0.125 exatamente é robusta; acima da base também).",
        results=results,
        got=got,
        expected=expected,
    )
    got = ctx.student.classify_layers({"x": 0.5}, 1.0, 0.5)
    expect(
        got == {"x": "robust"},
        en="classify_layers({{'x': 0.5}}, baseline=1.0, tolerance=0.5) returned {got}; a drop exactly equal to the tolerance is 'robust'.",
        pt="classify_layers({{'x': 0.5}}, baseline=1.0, tolerance=0.5) retornou {got}; uma queda exatamente igual à tolerância é 'robust'.",
        got=got,
    )


@check("4.5", points=1, category="correctness")
def check_classify_layers_default_tolerance(ctx: CheckContext) -> None:
    results = {"0": 0.91, "2": 0.89, "4": 0.97, "6": 0.5}
    expected = {"0": "robust", "2": "critical", "4": "robust", "6": "critical"}
    got = ctx.student.classify_layers(results, 0.95)
    expect(
        got == expected,
        en="classify_layers({results}, 0.95) (default tolerance 0.05) returned {got}, expected {expected}.",
        pt="classify_layers({results}, 0.95) (tolerância padrão 0.05) retornou {got}, esperado {expected}.",
        results=results,
        got=got,
        expected=expected,
    )


# END HIDDEN
