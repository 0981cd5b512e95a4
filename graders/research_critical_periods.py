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


# BEGIN HIDDEN
# Requirement of the README -> checks:
# P.1 mean over the keys of 1 - cos(flat w0, flat wt), in [0, 2], clamped:
#   check_rotation_metric_small_example, check_rotation_metric_matches_definition,
#   check_rotation_metric_known_values (identical -> 0 exactly, opposite -> 2)
# - pairs by key, any insertion order; scale-invariant: check_rotation_metric_pairs_by_key,
#   check_rotation_metric_scale_invariant
# - different keys or an all-zero tensor -> ValueError: check_rotation_metric_rejects_bad_inputs
# - inputs unchanged: check_rotation_metric_leaves_inputs_untouched
# P.2 [judge's 64-64-10 network, 600 digits, T = Gaussian noise sigma 0.3 (a recording probe),
#      k = 4 (2 for the structure), 8 epochs (3 for short runs), threshold 0.02, 10 and -1, patience 2]
# - one log entry per epoch with epoch, k, metric: check_adaptive_training_log_structure
# - (k_e - 1) * n augmented rows requested in epoch e, none with k = 1: check_augmented_rows_match_logged_k
# - k = 1 from the epoch after critical_period_end fires on the logged metrics:
#   check_switch_follows_logged_metric
# - m_e = rotation_metric(theta_0, theta_e): check_logged_metric_is_rotation_of_returned_model
# - trained on what augment returns: check_training_uses_augment_outputs
# - same call, same result; fixed and adaptive identical up to the switch:
#   check_adaptive_training_deterministic, check_runs_agree_before_switch
# - k, epochs or patience < 1 -> ValueError: check_adaptive_training_rejects_bad_arguments
# - accuracy within 0.03 of the judge's fixed-k baseline: check_accuracy_close_to_fixed_k_baseline
#   (with the cost/benefit table and FGSM robustness in the report)
import hypothesis.strategies as st  # noqa: E402

from harness.checks import (  # noqa: E402
    accuracy_partial,
    curves,
    expect_inputs_untouched,
    expect_raises,
    first_difference,
    for_all,
)


def _tensors(seed: int, shapes: list[tuple[int, ...]]) -> dict[str, torch.Tensor]:
    rng = np.random.default_rng(seed)
    return {
        f"layer{i}.weight": torch.from_numpy(rng.normal(size=shape) + 0.1).float()
        for i, shape in enumerate(shapes)
    }


@check("P.1", points=2, category="correctness")
def check_rotation_metric_matches_definition(ctx: CheckContext) -> None:
    """Generated dicts of 1-4 tensors of various shapes; the judge computes the mean itself."""
    shape = st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple)

    def prop(case: tuple[int, list[tuple[int, ...]], float]) -> None:
        seed, shapes, mix = case
        init = _tensors(seed, shapes)
        moved = _tensors(seed + 1, shapes)
        state = {name: (1 - mix) * init[name] + mix * moved[name] for name in init}
        expect_close(
            ctx.student.rotation_metric(init, state),
            _judge_rotation(init, state),
            what="the mean rotation",
            atol=1e-5,
        )

    for_all(
        st.tuples(
            st.integers(0, 1000), st.lists(shape, min_size=1, max_size=4), st.floats(0.05, 1.0)
        ),
        prop,
        examples=20,
        show=lambda c: (
            f"{len(c[1])} tensor(s) of shapes {c[1]}, state = (1 - {c[2]:.2f}) init + {c[2]:.2f} other"
        ),
    )


@check("P.1", points=1, category="correctness")
def check_rotation_metric_known_values(ctx: CheckContext) -> None:
    """Unchanged weights give exactly 0 (not a rounding error below it); reversed ones give 2."""
    for seed in (1, 17):  # tensors whose float32 self-cosine rounds above 1
        init = _tensors(seed, [(3, 5), (5,)])
        same = ctx.student.rotation_metric(init, {k: v.clone() for k, v in init.items()})
        expect(
            isinstance(same, float) and 0.0 <= same <= 1e-6,
            en="rotation_metric(init, init) returned {got}; unchanged weights have rotation 0 (clamp each cosine to [-1, 1] so rounding cannot give a negative distance).",
            pt="rotation_metric(init, init) retornou {got}; pesos inalterados têm rotação 0 (limite cada cosseno a [-1, 1] para que o arredondamento não dê distância negativa).",
            got=same,
        )
    reversed_ = ctx.student.rotation_metric(init, {k: -v for k, v in init.items()})
    expect_close(reversed_, 2.0, what="rotation_metric(init, -init)", atol=1e-6)


@check("P.1", points=1, category="correctness", requires=check_rotation_metric_matches_definition)
def check_rotation_metric_pairs_by_key(ctx: CheckContext) -> None:
    """Two dicts with the same keys in opposite insertion orders are paired by key."""
    init = _tensors(3, [(4,), (4,), (2, 2)])
    state = {k: v * torch.tensor([1.0, -1.0, 1.0, 0.5]).reshape(v.shape) for k, v in init.items()}
    backwards = dict(reversed(list(state.items())))
    expect_close(
        ctx.student.rotation_metric(init, backwards),
        _judge_rotation(init, state),
        what="rotation_metric(init, state with its keys in the opposite order)",
        atol=1e-6,
    )


@check("P.1", points=1, category="correctness", requires=check_rotation_metric_matches_definition)
def check_rotation_metric_scale_invariant(ctx: CheckContext) -> None:
    """A cosine ignores lengths: scaling the weights by a positive factor changes nothing."""
    init = _tensors(11, [(6,), (2, 3)])
    state = _tensors(12, [(6,), (2, 3)])
    base = _judge_rotation(init, state)
    expect_close(
        ctx.student.rotation_metric(
            {k: 4.0 * v for k, v in init.items()}, {k: 0.25 * v for k, v in state.items()}
        ),
        base,
        what="rotation_metric(4 * init, 0.25 * state)",
        atol=1e-6,
    )


@check("P.1", points=1, category="stability", requires=check_rotation_metric_matches_definition)
def check_rotation_metric_rejects_bad_inputs(ctx: CheckContext) -> None:
    init = _tensors(5, [(3,), (3,)])
    expect_raises(
        "ValueError",
        ctx.student.rotation_metric,
        init,
        {"layer0.weight": init["layer0.weight"], "other": init["layer1.weight"]},
    )
    expect_raises(
        "ValueError",
        ctx.student.rotation_metric,
        init,
        {"layer0.weight": torch.zeros(3), "layer1.weight": init["layer1.weight"]},
    )


@check("P.1", points=1, category="side-effects", requires=check_rotation_metric_matches_definition)
def check_rotation_metric_leaves_inputs_untouched(ctx: CheckContext) -> None:
    expect_inputs_untouched(
        ctx.student.rotation_metric, _tensors(1, [(3, 4), (4,)]), _tensors(2, [(3, 4), (4,)])
    )


def _epoch_of_row(boundaries: list[int], rows: int) -> int:
    """The epoch whose augmented rows include the row counted at ``rows``."""
    return next((e for e, end in enumerate(boundaries) if rows <= end), len(boundaries) - 1)


@check("P.2", points=2, category="correctness", timeout=120.0)
def check_augmented_rows_match_logged_k(ctx: CheckContext) -> None:
    """The recording T counts the rows it augments: (k_e - 1) * n in epoch e, as the log says."""
    for threshold in (THRESHOLD, -1.0):
        run = _run(ctx, threshold=threshold)
        _learned(run)
        ks = _ks(run)
        due = [(k - 1) * N_TRAIN for k in ks]
        boundaries = list(np.cumsum(due))
        ends = set(np.cumsum(run.rows_per_call).tolist()) | {0}
        total = int(sum(run.rows_per_call))
        expect(
            total == int(sum(due)),
            en="{call}: the log says k = {ks} per epoch, so augment should have been asked for (k - 1) x {n} rows per epoch, {due} rows in all; it was asked for {total} rows ({calls} calls). The log must record the k actually used.",
            pt="{call}: o registro diz k = {ks} por época, então augment deveria ter recebido (k - 1) x {n} linhas por época, {due} linhas ao todo; recebeu {total} linhas ({calls} chamadas). O registro deve conter o k realmente usado.",
            call=run.call,
            ks=ks,
            n=N_TRAIN,
            due=int(sum(due)),
            total=total,
            calls=len(run.rows_per_call),
        )
        straddling = [e for e, end in enumerate(boundaries) if int(end) not in ends]
        expect(
            not straddling,
            en="{call}: with k = {ks} per epoch as logged, epoch {epoch}'s augmented rows should end after {end} rows in all, but no call of augment ends there (calls of {sizes} rows): the k used per epoch differs from the log.",
            pt="{call}: com k = {ks} por época como registrado, as linhas aumentadas da época {epoch} deveriam terminar após {end} linhas ao todo, mas nenhuma chamada de augment termina aí (chamadas de {sizes} linhas): o k usado por época difere do registro.",
            call=run.call,
            ks=ks,
            epoch=straddling[0] if straddling else 0,
            end=int(boundaries[straddling[0]]) if straddling else 0,
            sizes=run.rows_per_call[:12],
        )


@check("P.2", points=2, category="correctness", timeout=180.0)
def check_switch_follows_logged_metric(ctx: CheckContext) -> None:
    """k drops to 1 in the epoch after critical_period_end first fires on the logged metric."""
    for threshold in (THRESHOLD, 10.0, -1.0):
        run = _run(ctx, threshold=threshold)
        _learned(run)
        metrics = _metrics(run)
        expected = _expected_ks(metrics, K, threshold, PATIENCE)
        expect(
            _ks(run) == expected,
            en="{call}: with the logged metrics {metrics}, critical_period_end(history, {threshold}, {patience}) on the history up to each epoch gives k = {expected} per epoch (k = 1 from the epoch after it first fires, never with threshold < 0); the log says {got}.",
            pt="{call}: com as métricas registradas {metrics}, critical_period_end(histórico, {threshold}, {patience}) no histórico até cada época dá k = {expected} por época (k = 1 a partir da época seguinte à primeira detecção, nunca com threshold < 0); o registro diz {got}.",
            call=run.call,
            metrics=[round(m, 4) for m in metrics],
            threshold=threshold,
            patience=PATIENCE,
            expected=expected,
            got=_ks(run),
        )
        if threshold == THRESHOLD:
            ctx.attach_figure(
                Text(
                    en=f"Your logged mean rotation per epoch (threshold {THRESHOLD}, patience {PATIENCE}); k per epoch: {_ks(run)}",
                    pt=f"Sua rotação média registrada por época (limiar {THRESHOLD}, paciência {PATIENCE}); k por época: {_ks(run)}",
                ),
                curves(
                    list(range(len(metrics))),
                    {"logged metric": metrics},
                    xlabel="epoch",
                    ylabel="mean layer rotation",
                ),
            )


@check("P.2", points=2, category="correctness", timeout=120.0)
def check_logged_metric_is_rotation_of_returned_model(ctx: CheckContext) -> None:
    """The last logged metric is the mean rotation between the judge's initial and the returned weights."""
    initial = dict(_network().named_parameters())
    for epochs in (3, EPOCHS):
        run = _run(ctx, epochs=epochs, threshold=-1.0)
        _learned(run)
        judged = _judge_rotation(initial, dict(run.model.named_parameters()))
        logged = _metrics(run)[-1] if run.log else float("nan")
        expect(
            math.isfinite(logged) and abs(logged - judged) <= 1e-4,
            en="{call}: the last log entry's metric is {logged}, but the mean rotation between the network the judge passed in and the one returned is {judged:.6f}. Log rotation_metric(initial parameters, current parameters) at the end of each epoch: the weights alone, no validation data.",
            pt="{call}: a métrica da última entrada do registro é {logged}, mas a rotação média entre a rede que o corretor passou e a retornada é {judged:.6f}. Registre rotation_metric(parâmetros iniciais, parâmetros atuais) ao fim de cada época: só os pesos, sem dados de validação.",
            call=run.call,
            logged=logged,
            judged=judged,
        )


@check("P.2", points=1, category="correctness", timeout=120.0)
def check_training_uses_augment_outputs(ctx: CheckContext) -> None:
    """Two runs that differ only in the noise T returns must give different networks."""
    X_probe = _data()[2][:50]
    outputs = []
    for augment_seed in (0, 1):
        run = _run(ctx, epochs=3, threshold=-1.0, augment_seed=augment_seed)
        _learned(run)
        with torch.no_grad():
            outputs.append(run.model(torch.from_numpy(X_probe)).numpy())
    expect(
        not np.array_equal(outputs[0], outputs[1]),
        en="{call} with two augment functions that return different noise (everything else equal) gave identical networks: the augmented copies must be what augment returns, not noise of your own.",
        pt="{call} com duas funções augment que devolvem ruídos diferentes (todo o resto igual) deu redes idênticas: as cópias aumentadas devem ser o que augment retorna, não um ruído seu.",
        call=run.call,
    )


def _same_runs(first: Run, second: Run) -> str | None:
    log_difference = first_difference(
        [(int(e["k"]), float(e["metric"])) for e in first.log],
        [(int(e["k"]), float(e["metric"])) for e in second.log],
    )
    if log_difference is not None:
        return f"the log ({log_difference})"
    a, b = first.model.state_dict(), second.model.state_dict()
    changed = [name for name in a if not torch.equal(a[name], b[name])]
    return f"the weights {changed}" if changed else None


@check("P.2", points=1, category="correctness", timeout=120.0)
def check_adaptive_training_deterministic(ctx: CheckContext) -> None:
    first = _run(ctx, epochs=4, seed=3)
    _learned(first)
    where = _same_runs(first, _run(ctx, epochs=4, seed=3))
    expect(
        where is None,
        en="{call} was run twice with the same arguments (a fresh copy of the same network and the same augment each time) and the results differ in {where}: seed every source of randomness from the seed argument.",
        pt="{call} foi executada duas vezes com os mesmos argumentos (uma cópia nova da mesma rede e o mesmo augment a cada vez) e os resultados diferem em {where}: semeie toda fonte de aleatoriedade a partir do argumento seed.",
        call=first.call,
        where=where,
    )


@check(
    "P.2",
    points=1,
    category="correctness",
    timeout=120.0,
    requires=check_adaptive_training_deterministic,
)
def check_runs_agree_before_switch(ctx: CheckContext) -> None:
    """The fixed-k run (threshold < 0) and the adaptive run are identical until the switch."""
    adaptive = _run(ctx, threshold=10.0)
    fixed = _run(ctx, threshold=-1.0)
    _learned(adaptive)
    switch = next((e for e, k in enumerate(_ks(adaptive)) if k == 1), len(adaptive.log))
    before = [round(m, 8) for m in _metrics(adaptive)[:switch]]
    fixed_before = [round(m, 8) for m in _metrics(fixed)[:switch]]
    expect(
        before == fixed_before,
        en="{call}: the run that switches to k = 1 after epoch {last} and the fixed-k run (threshold=-1) should be the same training up to the switch, so their first {n} logged metrics should be equal; they are {before} and {fixed}. Draw the batch order from the seed alone, the same way whatever the threshold.",
        pt="{call}: o treino que troca para k = 1 após a época {last} e o de k fixo (threshold=-1) deveriam ser o mesmo treino até a troca, então suas {n} primeiras métricas registradas deveriam ser iguais; são {before} e {fixed}. Sorteie a ordem dos lotes só a partir da semente, do mesmo jeito qualquer que seja o limiar.",
        call=adaptive.call,
        last=switch - 1,
        n=switch,
        before=before,
        fixed=fixed_before,
    )


@check(
    "P.2",
    points=1,
    category="stability",
    requires=check_adaptive_training_log_structure,
)
def check_adaptive_training_rejects_bad_arguments(ctx: CheckContext) -> None:
    X, y, _, _ = _data()
    for bad in ({"k": 0}, {"epochs": 0}, {"patience": 0}):
        arguments = {"k": K, "epochs": 2, "threshold": THRESHOLD, "patience": PATIENCE, **bad}
        expect_raises(
            "ValueError",
            ctx.student.train_adaptive_augmentation,
            ctx.student.put(_network()),
            X[:64],
            y[:64],
            ctx.student.put(probes.RecordingAugment(SIGMA, 0)),
            seed=0,
            **arguments,
        )


def _judge_baseline(ctx: CheckContext, k: int) -> Run:
    """The judge's own recipe with fixed k, trained in the same worker as the submission."""
    X, y, _, _ = _data()
    augment = ctx.student.put(probes.RecordingAugment(SIGMA, 0))
    cpu = ctx.student.put(probes.cpu_seconds)
    train = ctx.student.put(probes.train_fixed_k)
    before = cpu()
    returned = train(
        ctx.student.put(_network()),
        torch.from_numpy(X),
        torch.from_numpy(y),
        augment,
        k,
        EPOCHS,
        0,
    )
    wall = ctx.student.last_call_seconds
    cpu_s = cpu() - before
    log = [{"epoch": e, "k": k, "metric": float("nan")} for e in range(EPOCHS)]
    rows = [int(r) for r in augment.get("rows_per_call")]
    return Run(
        f"the judge's recipe with k = {k}", _judge_copy(returned, "judge"), log, rows, wall, cpu_s
    )


def _tradeoff_row(label: str, run: Run) -> list[Any]:
    _, _, X_test, y_test = _data()
    samples = N_TRAIN * len(run.log) + int(sum(run.rows_per_call))
    watt_hours = run.cpu_s * WATTS_PER_BUSY_CORE / 3600.0
    return [
        label,
        round(_accuracy(run.model, X_test, y_test), 4),
        round(_fgsm_accuracy(run.model, X_test, y_test), 4),
        samples,
        round(run.wall_s, 3),
        round(run.cpu_s, 3),
        round(1000.0 * watt_hours, 4),
        round(1000.0 * watt_hours / 1000.0 * GRAMS_CO2_PER_KWH, 5),
    ]


def _tradeoff_figure(rows: list[list[Any]]) -> Any:
    from matplotlib.figure import Figure

    from harness.plots import REFERENCE_COLOR, STUDENT_COLOR

    figure = Figure(figsize=(8.0, 3.2), layout="constrained")
    labels = [row[0] for row in rows]
    x = np.arange(len(rows))
    left, right = figure.add_subplot(1, 2, 1), figure.add_subplot(1, 2, 2)
    left.bar(x - 0.2, [row[1] for row in rows], 0.4, label="clean accuracy", color=STUDENT_COLOR)
    left.bar(
        x + 0.2,
        [row[2] for row in rows],
        0.4,
        label=f"FGSM eps={FGSM_EPSILON}",
        color=REFERENCE_COLOR,
    )
    left.set_xticks(x, labels, rotation=20, ha="right", fontsize=7)
    left.set_ylim(0, 1)
    left.set_ylabel("held-out accuracy (judge)")
    left.legend(fontsize=7, loc="lower left")
    right.bar(x, [row[3] for row in rows], 0.6, color="grey")
    right.set_xticks(x, labels, rotation=20, ha="right", fontsize=7)
    right.set_ylabel("samples processed")
    return figure


@check("P.2", points=3, category="behaviour", timeout=240.0)
def check_accuracy_close_to_fixed_k_baseline(ctx: CheckContext) -> Any:
    """The judge measures the adaptive model against fixed-k and k = 1 baselines it trains itself."""
    adaptive = _run(ctx)
    fixed_student = _run(ctx, threshold=-1.0)
    fixed_judge, single_judge = _judge_baseline(ctx, K), _judge_baseline(ctx, 1)
    rows = [
        _tradeoff_row(f"adaptive k (yours, threshold {THRESHOLD})", adaptive),
        _tradeoff_row(f"fixed k = {K} (yours, threshold -1)", fixed_student),
        _tradeoff_row(f"fixed k = {K} (judge)", fixed_judge),
        _tradeoff_row("k = 1 (judge)", single_judge),
    ]
    ctx.attach_table(
        Text(
            en=f"Cost and benefit, measured by the judge ({N_TRAIN} digits, {EPOCHS} epochs; energy = CPU seconds x {WATTS_PER_BUSY_CORE:g} W per busy core, CO2 = energy x {GRAMS_CO2_PER_KWH:g} g/kWh, both stated assumptions)",
            pt=f"Custo e benefício, medidos pelo corretor ({N_TRAIN} dígitos, {EPOCHS} épocas; energia = segundos de CPU x {WATTS_PER_BUSY_CORE:g} W por núcleo ocupado, CO2 = energia x {GRAMS_CO2_PER_KWH:g} g/kWh, ambas hipóteses declaradas)",
        ),
        [
            "run",
            "accuracy",
            f"FGSM accuracy (eps {FGSM_EPSILON})",
            "samples processed",
            "wall s",
            "CPU s",
            "energy mWh",
            "CO2 mg",
        ],
        rows,
    )
    ctx.attach_figure(
        Text(
            en="Accuracy, FGSM robustness and samples processed: your runs and the judge's baselines",
            pt="Acurácia, robustez ao FGSM e amostras processadas: seus treinos e as linhas de base do corretor",
        ),
        _tradeoff_figure(rows),
    )
    saved_samples = 1.0 - rows[0][3] / rows[2][3]
    saved_wall = 1.0 - adaptive.wall_s / fixed_judge.wall_s if fixed_judge.wall_s > 0 else 0.0
    switch = next((e for e, k in enumerate(_ks(adaptive)) if k == 1), None)
    ctx.attach_table(
        Text(
            en="What the adaptive schedule saved against the judge's fixed-k baseline",
            pt="O que o esquema adaptativo economizou em relação à linha de base do corretor com k fixo",
        ),
        ["first epoch with k = 1", "samples saved", "wall time saved", "accuracy change"],
        [
            [
                "never" if switch is None else switch,
                f"{100 * saved_samples:.0f}%",
                f"{100 * saved_wall:.0f}%",
                f"{rows[0][1] - rows[2][1]:+.4f}",
            ]
        ],
    )
    baseline = rows[2][1]
    return accuracy_partial(
        rows[0][1],
        full=baseline - FULL_MARGIN,
        zero=max(baseline - ZERO_MARGIN, LEARNED),
        what=Text(
            en=f"the held-out accuracy the judge measured for your adaptive model, against {baseline:.3f} for the judge's fixed k = {K} baseline (full marks within {FULL_MARGIN})",
            pt=f"a acurácia em dados não vistos que o corretor mediu para o seu modelo adaptativo, contra {baseline:.3f} da linha de base do corretor com k = {K} fixo (nota cheia a até {FULL_MARGIN})",
        ),
        context=adaptive.call,
    )


# END HIDDEN
