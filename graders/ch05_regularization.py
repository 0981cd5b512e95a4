"""Grader for ch05_regularization (PCS 5022, chapter 5: regularization).

Ensembles are built from judge-made members and compared with a judge-side computation; the
training-dynamics metrics are checked through their properties (known answers, invariances,
boundary cases); BatchNorm-only training runs on a judge-built network, and the judge loads the
returned state_dict into its own copy of that network to compare parameters and measure accuracy.
"""

from __future__ import annotations

import math

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
    expect_module,
    expect_shape,
    fail,
    rubric,
)

SETTINGS = GraderSettings(call_timeout_s=30.0, submission_budget_s=300.0)

ENSEMBLE_DISCUSSION = rubric(
    "5.1",
    "ensemble_definition",
    2,
    Text(
        en="Define formally the ensemble strategy (members, how they are made different, how outputs are combined) and compare the ensemble's held-out accuracy with a single member's.",
        pt="Defina formalmente a estratégia de ensemble (membros, como ficam diferentes entre si, como as saídas são combinadas) e compare a acurácia do ensemble em dados novos com a de um único membro.",
    ),
)
CRITICAL_PERIOD_DISCUSSION = rubric(
    "5.2",
    "critical_period_discussion",
    2,
    Text(
        en="Do critical periods emerge? Interpret final accuracy against the epoch t at which augmentation is removed (variance over seeds included).",
        pt="Períodos críticos aparecem? Interprete a acurácia final em função da época t em que o aumento de dados é removido (incluindo a variação entre sementes).",
    ),
)
CRITICAL_PERIOD_END_TECHNIQUE = rubric(
    "5.3",
    "critical_period_end_technique",
    3,
    Text(
        en="(★) Propose a technique to identify the epoch at which the critical period ends from gradient confusion, gradient predictability or layer rotation with critical_period_end; justify threshold and patience and compare the detected epoch with the experiment of 5.2.",
        pt="(★) Proponha uma técnica para identificar a época em que o período crítico termina a partir da confusão do gradiente, previsibilidade do gradiente ou rotação de camadas com critical_period_end; justifique limiar e paciência e compare a época detectada com o experimento de 5.2.",
    ),
)
BATCHNORM_DISCUSSION = rubric(
    "5.4",
    "batchnorm_only_discussion",
    1,
    Text(
        en="How many parameters does BatchNorm-only training adjust, compared with the whole network, and why can it reach non-trivial accuracy?",
        pt="Quantos parâmetros o treino só da BatchNorm ajusta, comparado com a rede inteira, e por que ele consegue acurácia não trivial?",
    ),
)


def _number(value: object, call: str) -> float:
    """A real number from a float, a numpy scalar, or a 0-d array/tensor; a clear failure otherwise."""
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        value = value.detach().reshape(()).item()
    elif isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(()).item()
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        fail(
            en="{call} should return a float, got {got!r}.",
            pt="{call} deveria retornar um float, obteve {got!r}.",
            call=call,
            got=value,
        )
    return float(value)  # type: ignore[arg-type]


def _members(seed: int, count: int, d_in: int, classes: int, dropout: float = 0.0) -> list:
    """Judge-built members: small MLPs made of torch built-ins only (they pickle into the worker)."""
    torch.manual_seed(seed)
    members = []
    for index in range(count):
        hidden = 5 + 3 * index
        layers: list[nn.Module] = [nn.Linear(d_in, hidden), nn.Tanh()]
        if dropout:
            layers.append(nn.Dropout(dropout))
        layers.append(nn.Linear(hidden, classes))
        member = nn.Sequential(*layers)
        with torch.no_grad():
            member[-1].weight.mul_(3.0)
        members.append(member)
    return members


@torch.no_grad()
def _mean_softmax(members: list, x: torch.Tensor) -> torch.Tensor:
    for member in members:
        member.eval()
    probabilities = [torch.softmax(member(x).double(), dim=-1) for member in members]
    return torch.stack(probabilities).mean(dim=0)


def _gaussian(seed: int, *shape: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    return torch.from_numpy(np.random.default_rng(seed).normal(size=shape)).to(dtype)


def _judge_cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    a64, b64 = a.reshape(-1).double(), b.reshape(-1).double()
    return float(a64 @ b64 / (a64.norm() * b64.norm()))


# ---------------------------------------------------------------------------------------------
# Public checks: small known answers, no reference needed.


@check("5.1", points=1, category="shape", hidden=False)
def check_ensemble_outputs_probabilities_public(ctx: CheckContext) -> None:
    """Two judge-built members: the output is (n, k) with non-negative rows summing to 1."""
    members = _members(0, 2, d_in=3, classes=4)
    ensemble = expect_module(
        ctx.student.AveragingEnsemble(members), "AveragingEnsemble([member_1, member_2])"
    )
    x = torch.linspace(-1.0, 1.0, 15).reshape(5, 3)
    call = "AveragingEnsemble([member_1, member_2])(x) for x of shape (5, 3) and 4 classes"
    out = expect_shape(ensemble(x), (5, 4), what="the output", context=call)
    expect(
        bool(np.all(out >= 0)) and np.allclose(out.sum(axis=1), 1.0, atol=1e-5),
        en="{call}: every row should be a probability vector (non-negative, summing to 1); the row sums are {sums}.",
        pt="{call}: cada linha deveria ser um vetor de probabilidades (não negativo, somando 1); as somas das linhas são {sums}.",
        call=call,
        sums=np.round(out.sum(axis=1), 6).tolist(),
    )


def _experiment(
    ctx: CheckContext, removal_epochs: list[int], epochs: int, seed: int
) -> dict[int, float]:
    result = ctx.student.critical_period_experiment(removal_epochs, epochs=epochs, seed=seed)
    call = ctx.student.last_call
    if not isinstance(result, dict):
        fail(
            en="{call} should return a dict {{t: accuracy}} with int keys, got {got}.",
            pt="{call} deveria retornar um dict {{t: acurácia}} com chaves int, obteve {got}.",
            call=call,
            got=getattr(result, "type_name", type(result).__name__),
        )
    keys = sorted(result, key=repr)
    expect(
        all(isinstance(k, int) and not isinstance(k, bool) for k in keys)
        and set(keys) == set(removal_epochs),
        en="{call} should return one entry per requested epoch, with int keys {expected}; got the keys {got}.",
        pt="{call} deveria retornar uma entrada por época pedida, com chaves int {expected}; obteve as chaves {got}.",
        call=call,
        expected=sorted(removal_epochs),
        got=[repr(k) for k in keys],
    )
    accuracies = {}
    for t in sorted(removal_epochs):
        value = _number(result[t], f"{call}[{t}]")
        expect(
            0.0 <= value <= 1.0,
            en="{call}[{t}] should be an accuracy in [0, 1], got {got!r}.",
            pt="{call}[{t}] deveria ser uma acurácia em [0, 1], obteve {got!r}.",
            call=call,
            t=t,
            got=value,
        )
        accuracies[t] = value
    return accuracies


@check("5.2", points=1, category="shape", hidden=False, timeout=60.0)
def check_critical_period_experiment_structure_public(ctx: CheckContext) -> None:
    _experiment(ctx, [0, 2], epochs=2, seed=0)


@check("5.3", points=1, category="correctness", hidden=False)
def check_gradient_confusion_small_example(ctx: CheckContext) -> None:
    g_a = torch.tensor([1.0, 0.0, 0.0])
    g_b = torch.tensor([1.0, 1.0, 0.0])
    value = _number(ctx.student.gradient_confusion(g_a, g_b), ctx.student.last_call)
    expect(
        abs(value - 1 / math.sqrt(2)) < 1e-6,
        en="{call} should be cos(45°) = 0.707107, got {got:.6g}.",
        pt="{call} deveria ser cos(45°) = 0.707107, obteve {got:.6g}.",
        call=ctx.student.last_call,
        got=value,
    )


@check("5.3", points=1, category="correctness", hidden=False)
def check_layer_rotation_small_example(ctx: CheckContext) -> None:
    init = {"w": torch.tensor([[1.0, 0.0], [0.0, 1.0]]), "b": torch.tensor([1.0, 1.0])}
    state = {"w": torch.tensor([[0.0, 1.0], [1.0, 0.0]]), "b": torch.tensor([-2.0, -2.0])}
    got = _rotation(ctx, init, state)
    expect_close(
        [got["w"], got["b"]],
        [1.0, 2.0],
        what='[rotation["w"], rotation["b"]]',
        context=Text(
            en=f"{ctx.student.last_call}: w is orthogonal to its initial value (distance 1), b points the opposite way (distance 2)",
            pt=f"{ctx.student.last_call}: w é ortogonal ao valor inicial (distância 1), b aponta no sentido oposto (distância 2)",
        ),
        atol=1e-6,
    )


@check("5.3", points=1, category="correctness", hidden=False)
def check_critical_period_end_small_example(ctx: CheckContext) -> None:
    history = [4.0, 2.0, 1.0, 1.0, 1.25, 3.0]
    got = ctx.student.critical_period_end(history, 0.5, 2)
    expect(
        _is_int(got) and int(got) == 2,  # type: ignore[arg-type]
        en="{call} should return 2 (the changes at epochs 3 and 4 are 0 and 0.25, both <= 0.5, while the change at epoch 2 is 1), got {got!r}.",
        pt="{call} deveria retornar 2 (as variações nas épocas 3 e 4 são 0 e 0.25, ambas <= 0.5, enquanto a variação na época 2 é 1), obteve {got!r}.",
        call=ctx.student.last_call,
        got=got,
    )


def _bn_small() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))


def _trainable(summary: dict) -> dict[str, bool]:
    """{'module.param': requires_grad} from a module summary."""
    flags = {}
    for row in summary["modules"]:
        for p in row["parameters"]:
            name = f"{row['name']}.{p['name']}" if row["name"] else p["name"]
            flags[name] = bool(p["requires_grad"])
    return flags


@check("5.4", points=1, category="correctness", hidden=False)
def check_freeze_small_model_public(ctx: CheckContext) -> None:
    model = ctx.student.freeze_all_but_batchnorm(_bn_small())
    call = (
        "freeze_all_but_batchnorm(Sequential(Linear(4, 8), BatchNorm1d(8), ReLU(), Linear(8, 3)))"
    )
    expect_module(model, call)
    got = sorted(name for name, flag in _trainable(model.summary()).items() if flag)
    expect(
        got == ["1.bias", "1.weight"],
        en="{call}: exactly the BatchNorm parameters ['1.bias', '1.weight'] should require grad, got {got}.",
        pt="{call}: exatamente os parâmetros da BatchNorm ['1.bias', '1.weight'] deveriam exigir gradiente, obteve {got}.",
        call=call,
        got=got,
    )


def _rotation(ctx: CheckContext, init: dict, state: dict) -> dict[str, float]:
    result = ctx.student.layer_rotation(init, state)
    call = ctx.student.last_call
    if not isinstance(result, dict) or set(result) != set(init):
        fail(
            en="{call} should return a dict with one float per key of init_state ({keys}), got {got}.",
            pt="{call} deveria retornar um dict com um float por chave de init_state ({keys}), obteve {got}.",
            call=call,
            keys=sorted(init),
            got=sorted(result) if isinstance(result, dict) else type(result).__name__,
        )
    return {k: _number(v, f"{call}[{k!r}]") for k, v in result.items()}


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


# BEGIN HIDDEN
import hypothesis.strategies as st  # noqa: E402

from harness.checks import Partial, call_repr, expect_raises, for_all  # noqa: E402
from harness.fixtures import accuracy, digits  # noqa: E402

# ---------------------------------------------------------------------------------------------
# 5.1 averaging ensemble


@check("5.1", points=3, category="correctness")
def check_ensemble_matches_mean_of_softmax(ctx: CheckContext) -> None:
    """Output equals the judge's mean of the members' softmax, for 1 to 4 members of any size."""

    def prop(case: tuple[int, int, int, int, int]) -> None:
        seed, count, batch, d_in, classes = case
        members = _members(seed, count, d_in, classes)
        x = _gaussian(seed, batch, d_in)
        ensemble = expect_module(
            ctx.student.AveragingEnsemble(members),
            f"AveragingEnsemble(<{count} judge-built members>)",
        )
        expect_close(
            ensemble(x),
            _mean_softmax(members, x),
            what="the ensemble's output",
            context=Text(
                en=f"AveragingEnsemble of {count} member(s) with {classes} classes, on x of shape ({batch}, {d_in}): the output must be the mean of the members' softmax probabilities",
                pt=f"AveragingEnsemble de {count} membro(s) com {classes} classes, em x de forma ({batch}, {d_in}): a saída deve ser a média das probabilidades softmax dos membros",
            ),
            rtol=1e-4,
            atol=1e-5,
        )

    for_all(
        st.tuples(
            st.integers(0, 10_000),
            st.integers(1, 4),
            st.integers(1, 9),
            st.integers(1, 6),
            st.integers(2, 7),
        ),
        prop,
        examples=10,
        show=lambda c: (
            f"seed={c[0]}, members={c[1]}, batch={c[2]}, in_features={c[3]}, classes={c[4]}"
        ),
    )


@check("5.1", points=1, category="correctness")
def check_single_member_ensemble_is_its_softmax(ctx: CheckContext) -> None:
    members = _members(11, 1, d_in=4, classes=5)
    x = _gaussian(11, 6, 4)
    ensemble = expect_module(ctx.student.AveragingEnsemble(members), "AveragingEnsemble([member])")
    with torch.no_grad():
        want = torch.softmax(members[0](x), dim=1)
    expect_close(
        ensemble(x),
        want,
        what="the output",
        context=Text(
            en="an ensemble of a single member must return that member's softmax probabilities (not its logits)",
            pt="um ensemble de um único membro deve retornar as probabilidades softmax desse membro (não seus logits)",
        ),
        rtol=1e-4,
        atol=1e-6,
    )


@check("5.1", points=2, category="shape")
def check_ensemble_registers_members(ctx: CheckContext) -> None:
    """The members' parameters are the ensemble's: counted in its summary, present in state_dict."""
    members = _members(3, 3, d_in=4, classes=3)
    ensemble = expect_module(
        ctx.student.AveragingEnsemble(members), "AveragingEnsemble([m1, m2, m3])"
    )
    call = "AveragingEnsemble([m1, m2, m3])"
    expected = sum(p.numel() for m in members for p in m.parameters())
    count = sum(
        int(np.prod(p["shape"])) for row in ensemble.summary()["modules"] for p in row["parameters"]
    )
    expect(
        count == expected,
        en="{call}: the ensemble owns {count} parameters, but its three members have {expected} together; register the members as submodules (e.g. nn.ModuleList), not in a plain Python list, so that .parameters(), .state_dict(), .eval() and .to() reach them.",
        pt="{call}: o ensemble possui {count} parâmetros, mas seus três membros têm {expected} no total; registre os membros como submódulos (por exemplo nn.ModuleList), não em uma lista Python comum, para que .parameters(), .state_dict(), .eval() e .to() cheguem a eles.",
        call=call,
        count=count,
        expected=expected,
    )
    state = ensemble.state_dict()
    tensors = [v for v in state.values() if isinstance(v, torch.Tensor)]
    for index, member in enumerate(members, start=1):
        for name, parameter in member.named_parameters():
            found = any(
                t.shape == parameter.shape
                and torch.equal(t.to(parameter.dtype), parameter.detach())
                for t in tensors
            )
            expect(
                found,
                en="{call}: the state_dict of the ensemble does not contain member {index}'s parameter {name} with its values.",
                pt="{call}: o state_dict do ensemble não contém o parâmetro {name} do membro {index} com seus valores.",
                call=call,
                index=index,
                name=name,
            )


@check("5.1", points=1, category="correctness")
def check_ensemble_eval_propagates_to_members(ctx: CheckContext) -> None:
    """After ensemble.eval(), members with dropout are deterministic and match the judge's eval output."""
    members = _members(5, 2, d_in=6, classes=4, dropout=0.5)
    x = _gaussian(5, 8, 6)
    ensemble = expect_module(
        ctx.student.AveragingEnsemble(members), "AveragingEnsemble([m1, m2]) (members with Dropout)"
    )
    ensemble.call_method("eval")
    training = [
        row["name"] or "<ensemble>" for row in ensemble.summary()["modules"] if row["training"]
    ]
    expect(
        not training,
        en="After ensemble.eval(), these modules are still in training mode: {modules}; the members must be submodules so that .eval() reaches them.",
        pt="Depois de ensemble.eval(), estes módulos ainda estão em modo de treino: {modules}; os membros devem ser submódulos para que .eval() chegue a eles.",
        modules=training,
    )
    expect_close(
        ensemble(x),
        _mean_softmax(members, x),
        what="the output",
        context=Text(
            en="members containing Dropout(0.5), after ensemble.eval(): dropout must be off, so the output must equal the mean softmax of the members in eval mode",
            pt="membros com Dropout(0.5), depois de ensemble.eval(): o dropout deve estar desligado, então a saída deve ser a média softmax dos membros em modo eval",
        ),
        rtol=1e-4,
        atol=1e-5,
    )


@check("5.1", points=1, category="stability")
def check_ensemble_stable_with_large_logits(ctx: CheckContext) -> None:
    """Members whose logits reach about 1e4: still finite probabilities (a stable softmax)."""
    members = _members(7, 2, d_in=3, classes=4)
    with torch.no_grad():
        for member in members:
            member[-1].weight.mul_(3000.0)
    x = _gaussian(7, 6, 3)
    ensemble = expect_module(ctx.student.AveragingEnsemble(members), "AveragingEnsemble([m1, m2])")
    expect_close(
        ensemble(x),
        _mean_softmax(members, x),
        what="the output",
        context=Text(
            en="members whose logits are of the order of 1e4 (exp overflows: use torch.softmax or subtract the row maximum)",
            pt="membros cujos logits são da ordem de 1e4 (exp estoura: use torch.softmax ou subtraia o máximo da linha)",
        ),
        rtol=1e-4,
        atol=1e-5,
    )


def _is_ensemble(handle: object) -> bool:
    try:
        if handle.isinstance_of("submission:AveragingEnsemble"):  # type: ignore[attr-defined]
            return True
    except Exception:
        pass
    return getattr(handle, "short_type", "") == "AveragingEnsemble"


@check("5.1", points=2, category="behaviour", timeout=120.0)
def check_trained_ensemble_accuracy(ctx: CheckContext) -> None:
    """train_ensemble returns an AveragingEnsemble; the judge measures its accuracy on held-out digits."""
    data = digits()
    ensemble = ctx.student.train_ensemble(np.array(data.X_train), np.array(data.y_train), 3, 0)
    call = ctx.student.last_call
    expect_module(ensemble, call)
    expect(
        _is_ensemble(ensemble),
        en="{call} should return an AveragingEnsemble, got {got}.",
        pt="{call} deveria retornar um AveragingEnsemble, obteve {got}.",
        call=call,
        got=getattr(ensemble, "type_name", "?"),
    )
    ensemble.call_method("eval")
    out = expect_shape(
        ensemble(torch.from_numpy(np.array(data.X_test))),
        (len(data.X_test), 10),
        what="ensemble(X_test)",
        context=call,
    )
    expect(
        np.allclose(out.sum(axis=1), 1.0, atol=1e-4),
        en="{call}: the rows of ensemble(X_test) should be probabilities summing to 1.",
        pt="{call}: as linhas de ensemble(X_test) deveriam ser probabilidades somando 1.",
        call=call,
    )
    score = float((out.argmax(axis=1) == data.y_test).mean())
    if score < 0.9:
        return Partial(
            max(0.0, (score - 0.5) / 0.4),
            Text(
                en=f"{call}: the judge measured an accuracy of {score:.3f} on {len(data.y_test)} held-out digits; at least 0.90 is expected (train the members longer).",
                pt=f"{call}: o corretor mediu acurácia {score:.3f} em {len(data.y_test)} dígitos não vistos; espera-se ao menos 0.90 (treine os membros por mais tempo).",
            ),
        )
    return None


# ---------------------------------------------------------------------------------------------
# 5.2 critical-period experiment


@check("5.2", points=1, category="shape", timeout=60.0)
def check_critical_period_experiment_keys_and_values(ctx: CheckContext) -> None:
    requested = [0, 1, 3, 4]
    accuracies = _experiment(ctx, requested, epochs=4, seed=1)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(4.5, 3))
    axes.bar([str(t) for t in requested], [accuracies[t] for t in requested], color="#4477aa")
    axes.set_xlabel("epoch t after which augmentation is removed")
    axes.set_ylabel("final test accuracy")
    low = min(accuracies.values())
    axes.set_ylim(max(0.0, low - 0.1), 1.0)
    ctx.attach_figure(
        Text(
            en="Critical-period experiment (student's result, epochs=4, seed=1)",
            pt="Experimento de período crítico (resultado do aluno, epochs=4, seed=1)",
        ),
        figure,
    )


@check("5.2", points=1, category="correctness", timeout=60.0)
def check_critical_period_experiment_deterministic(ctx: CheckContext) -> None:
    first = _experiment(ctx, [0, 2], epochs=2, seed=3)
    call = ctx.student.last_call
    second = _experiment(ctx, [0, 2], epochs=2, seed=3)
    expect(
        first == second,
        en="{call} gave different results for the same seed: {a} then {b}; seed every source of randomness (initialisation, shuffling, noise).",
        pt="{call} deu resultados diferentes para a mesma semente: {a} e depois {b}; fixe a semente de toda fonte de aleatoriedade (inicialização, embaralhamento, ruído).",
        call=call,
        a=first,
        b=second,
    )


@check("5.2", points=1, category="stability")
def check_critical_period_experiment_rejects_bad_epochs(ctx: CheckContext) -> None:
    expect_raises("ValueError", ctx.student.critical_period_experiment, [0, 5], epochs=3, seed=0)
    expect_raises("ValueError", ctx.student.critical_period_experiment, [-1], epochs=3, seed=0)


# ---------------------------------------------------------------------------------------------
# 5.3 gradient confusion and gradient predictability


def _cosine_call(ctx: CheckContext, name: str, a: object, b: object) -> tuple[float, str]:
    value = getattr(ctx.student, name)(a, b)
    call = ctx.student.last_call
    return _number(value, call), call


def _correlated(seed: int, n: int, rho: float) -> tuple[torch.Tensor, torch.Tensor]:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = rho * a + math.sqrt(max(0.0, 1 - rho * rho)) * rng.normal(size=n)
    return torch.from_numpy(a).float(), torch.from_numpy(b).float()


_PAIRS = st.tuples(
    st.integers(0, 10_000), st.integers(1, 60), st.sampled_from([-0.9, -0.3, 0.0, 0.5, 0.99])
)


@check("5.3", points=2, category="correctness")
def check_gradient_confusion_matches_cosine(ctx: CheckContext) -> None:
    def prop(case: tuple[int, int, float]) -> None:
        seed, n, rho = case
        a, b = _correlated(seed, n, rho)
        if n % 2:  # any shape is flattened
            a, b = a.reshape(-1, 1), b.reshape(-1, 1)
        value, call = _cosine_call(ctx, "gradient_confusion", a, b)
        want = _judge_cosine(a, b)
        expect(
            abs(value - want) <= 2e-5,
            en="{call} should be the cosine of the flattened gradients, {want:.6f}, got {got:.6f}.",
            pt="{call} deveria ser o cosseno dos gradientes achatados, {want:.6f}, obteve {got:.6f}.",
            call=call,
            want=want,
            got=value,
        )

    for_all(
        _PAIRS,
        prop,
        examples=15,
        show=lambda c: f"seed={c[0]}, n={c[1]}, correlation={c[2]}",
    )


@check("5.3", points=1, category="correctness")
def check_gradient_confusion_known_values(ctx: CheckContext) -> None:
    """Identical gradients give 1, opposite ones -1, orthogonal ones 0."""
    g = _gaussian(1, 3, 4)
    orthogonal = torch.zeros(3, 4)
    orthogonal[0, 0], orthogonal[0, 1] = g[0, 1], -g[0, 0]
    cases = (
        (g.clone(), 1.0, Text(en="g_a itself", pt="o próprio g_a")),
        (-g, -1.0, Text.same("-g_a")),
        (orthogonal, 0.0, Text(en="a vector orthogonal to g_a", pt="um vetor ortogonal a g_a")),
    )
    for other, want, label in cases:
        value, call = _cosine_call(ctx, "gradient_confusion", g, other)
        expect(
            abs(value - want) <= 1e-6,
            en="{call} with g_b = {label} should be {want}, got {got:.6g}.",
            pt="{call} com g_b = {label} deveria ser {want}, obteve {got:.6g}.",
            call=call,
            label=label,
            want=want,
            got=value,
        )


@check("5.3", points=1, category="correctness")
def check_gradient_confusion_invariances(ctx: CheckContext) -> None:
    """Symmetric, unchanged by positive rescaling (loss scale), sign flip with negative scaling."""

    def prop(case: tuple[int, int, float, float]) -> None:
        seed, n, rho, scale = case
        a, b = _correlated(seed, n, rho)
        base, call = _cosine_call(ctx, "gradient_confusion", a, b)
        for label, args, want in (
            ("gradient_confusion(g_b, g_a)", (b, a), base),
            (f"gradient_confusion({scale:g} * g_a, g_b)", (scale * a, b), base),
            (f"gradient_confusion(g_a, -{scale:g} * g_b)", (a, -scale * b), -base),
        ):
            value, _ = _cosine_call(ctx, "gradient_confusion", *args)
            expect(
                abs(value - want) <= 2e-5,
                en="{call} = {base:.6f}, so {label} should be {want:.6f}, got {got:.6f} (the cosine is symmetric and ignores the gradients' scale).",
                pt="{call} = {base:.6f}, então {label} deveria ser {want:.6f}, obteve {got:.6f} (o cosseno é simétrico e ignora a escala dos gradientes).",
                call=call,
                base=base,
                label=label,
                want=want,
                got=value,
            )

    for_all(
        st.tuples(
            st.integers(0, 10_000),
            st.integers(2, 40),
            st.sampled_from([-0.5, 0.2, 0.8]),
            st.sampled_from([1e-3, 0.25, 7.0, 1e3]),
        ),
        prop,
        examples=8,
        show=lambda c: f"seed={c[0]}, n={c[1]}, correlation={c[2]}, scale={c[3]}",
    )


def _parameter_like(seed: int) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    shapes = [(4, 3), (4,), (2, 2, 2), (1,)]
    a = [_gaussian(seed + i, *s) for i, s in enumerate(shapes)]
    b = [0.5 * t + _gaussian(seed + 100 + i, *t.shape) for i, t in enumerate(a)]
    return a, b


@check("5.3", points=2, category="correctness")
def check_gradient_confusion_accepts_lists_and_dicts(ctx: CheckContext) -> None:
    """Lists/tuples of per-parameter tensors are concatenated; dicts are paired by key."""
    a, b = _parameter_like(21)
    flat_a = torch.cat([t.reshape(-1) for t in a])
    flat_b = torch.cat([t.reshape(-1) for t in b])
    want = _judge_cosine(flat_a, flat_b)
    for args in ((a, b), (tuple(a), tuple(b))):
        value, call = _cosine_call(ctx, "gradient_confusion", *args)
        expect(
            abs(value - want) <= 2e-5,
            en="{call} with one tensor per parameter (shapes (4, 3), (4,), (2, 2, 2), (1,)) should be the cosine of the concatenated flattened tensors, {want:.6f}, got {got:.6f}.",
            pt="{call} com um tensor por parâmetro (formas (4, 3), (4,), (2, 2, 2), (1,)) deveria ser o cosseno dos tensores achatados e concatenados, {want:.6f}, obteve {got:.6f}.",
            call=call,
            want=want,
            got=value,
        )
    names = ["layer1.weight", "layer1.bias", "layer2.weight", "layer2.bias"]
    dict_a = dict(zip(names, a))
    dict_b = {name: b[names.index(name)] for name in reversed(names)}
    value, call = _cosine_call(ctx, "gradient_confusion", dict_a, dict_b)
    expect(
        abs(value - want) <= 2e-5,
        en="{call} with two dicts holding the same keys in different insertion orders should pair the tensors by key and give {want:.6f}, got {got:.6f}.",
        pt="{call} com dois dicts com as mesmas chaves em ordens de inserção diferentes deveria parear os tensores pela chave e dar {want:.6f}, obteve {got:.6f}.",
        call=call,
        want=want,
        got=value,
    )


_ROUNDING = st.tuples(st.integers(0, 10_000), st.integers(1, 300), st.integers(-3, 3))


def _rounding_vector(case: tuple[int, int, int]) -> torch.Tensor:
    seed, n, exponent = case
    return _gaussian(seed, n) * 10.0**exponent


@check("5.3", points=1, category="stability")
def check_gradient_confusion_in_range_under_rounding(ctx: CheckContext) -> None:
    """cos(g, g) and cos(g, -g) stay within [-1, 1] despite rounding (clamp the result)."""

    def prop(case: tuple[int, int, int]) -> None:
        g = _rounding_vector(case)
        for other, bound in ((g.clone(), 1.0), (-g, -1.0)):
            value, call = _cosine_call(ctx, "gradient_confusion", g, other)
            inside = -1.0 <= value <= 1.0 and abs(value - bound) <= 1e-5
            expect(
                inside,
                en="{call} returned {got!r}, outside [-1, 1] or far from {bound}: rounding can push dot(a, b) / (|a| |b|) slightly past ±1, so clamp the result.",
                pt="{call} retornou {got!r}, fora de [-1, 1] ou longe de {bound}: arredondamentos podem levar dot(a, b) / (|a| |b|) um pouco além de ±1, então limite o resultado.",
                call=call,
                got=value,
                bound=bound,
            )

    for_all(
        _ROUNDING,
        prop,
        examples=25,
        show=lambda c: f"g = {10.0 ** c[2]:g} * (normal vector of size {c[1]}, seed {c[0]})",
    )


def _expect_zero_rejected(function: object, *args: object) -> None:
    expect_raises("ValueError", function, *args)


@check("5.3", points=1, category="stability")
def check_gradient_confusion_rejects_zero_vectors(ctx: CheckContext) -> None:
    g = _gaussian(3, 5)
    _expect_zero_rejected(ctx.student.gradient_confusion, torch.zeros(5), g)
    _expect_zero_rejected(ctx.student.gradient_confusion, g, torch.zeros(5))
    _expect_zero_rejected(
        ctx.student.gradient_confusion, [torch.zeros(2, 2), torch.zeros(3)], [g[:4], g[:3]]
    )


@check("5.3", points=1, category="stability")
def check_gradient_confusion_rejects_mismatched_sizes(ctx: CheckContext) -> None:
    expect_raises("ValueError", ctx.student.gradient_confusion, _gaussian(1, 5), _gaussian(2, 6))


@check("5.3", points=1, category="shape")
def check_metrics_return_python_floats(ctx: CheckContext) -> None:
    a, b = _correlated(4, 10, 0.5)
    for name, args in (
        ("gradient_confusion", (a, b)),
        ("gradient_predictability", (a, b)),
    ):
        value = getattr(ctx.student, name)(*args)
        expect(
            isinstance(value, float | np.floating),
            en="{call} should return a Python float, got {got} (use float(...) or .item()).",
            pt="{call} deveria retornar um float do Python, obteve {got} (use float(...) ou .item()).",
            call=ctx.student.last_call,
            got=type(value).__name__,
        )
    init = {"w": _gaussian(5, 3, 2)}
    result = ctx.student.layer_rotation(init, {"w": _gaussian(6, 3, 2)})
    values = list(result.values()) if isinstance(result, dict) else [result]
    expect(
        isinstance(result, dict) and all(isinstance(v, float | np.floating) for v in values),
        en="{call} should return a dict of Python floats, got {got}.",
        pt="{call} deveria retornar um dict de floats do Python, obteve {got}.",
        call=ctx.student.last_call,
        got=[type(v).__name__ for v in values],
    )


@check("5.3", points=1, category="side-effects")
def check_cosine_metrics_leave_inputs_untouched(ctx: CheckContext) -> None:
    a, b = _parameter_like(8)
    for name in ("gradient_confusion", "gradient_predictability"):
        for args in ((a[0], b[0]), (list(a), list(b))):
            copies = [[t.clone() for t in x] if isinstance(x, list) else x.clone() for x in args]
            _, after, _ = getattr(ctx.student, name).call_with_inputs(*copies)
            call = call_repr(name, args, {})
            same = all(
                (
                    all(torch.equal(u, v) for u, v in zip(got, want))
                    if isinstance(want, list)
                    else torch.equal(got, want)
                )
                for got, want in zip(after, args)
            )
            expect(
                same,
                en="{call} modified the gradients it was given (e.g. normalising in place with /=); compute new tensors instead.",
                pt="{call} modificou os gradientes recebidos (por exemplo normalizando no lugar com /=); crie tensores novos.",
                call=call,
            )


def _quadratic_gradients(
    curvature: np.ndarray, lr: float, seed: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradients of f(w) = sum(curvature * w**2) / 2 before and after one gradient-descent step."""
    w = np.random.default_rng(seed).normal(size=curvature.shape)
    g_now = curvature * w
    g_next = curvature * (w - lr * g_now)
    return torch.from_numpy(g_now), torch.from_numpy(g_next)


@check("5.3", points=2, category="correctness")
def check_gradient_predictability_on_quadratic(ctx: CheckContext) -> None:
    """Gradient descent on a quadratic: isotropic gives exactly +1 (small step) or -1 (overshoot)."""
    for curvature, lr, want, story in (
        (
            np.full(6, 2.0),
            0.1,
            1.0,
            Text(
                en="an isotropic quadratic with a small step",
                pt="uma quadrática isotrópica com passo pequeno",
            ),
        ),
        (
            np.full(6, 2.0),
            0.8,
            -1.0,
            Text(
                en="an isotropic quadratic with a step that overshoots the minimum",
                pt="uma quadrática isotrópica com passo que ultrapassa o mínimo",
            ),
        ),
        (
            np.array([0.5, 1.0, 4.0, 9.0, 2.0]),
            0.2,
            None,
            Text(en="an anisotropic quadratic", pt="uma quadrática anisotrópica"),
        ),
    ):
        g_now, g_next = _quadratic_gradients(curvature, lr, seed=int(lr * 10))
        target = _judge_cosine(g_now, g_next) if want is None else want
        value, call = _cosine_call(ctx, "gradient_predictability", g_now, g_next)
        expect(
            abs(value - target) <= 1e-6,
            en="{call}: for one gradient-descent step (lr={lr}) on {story}, the gradient before and after the step have cosine {want:.6f}; got {got:.6f}.",
            pt="{call}: para um passo de gradiente descendente (lr={lr}) em {story}, os gradientes antes e depois do passo têm cosseno {want:.6f}; obteve {got:.6f}.",
            call=call,
            lr=lr,
            story=story,
            want=target,
            got=value,
        )


@check("5.3", points=1, category="correctness")
def check_gradient_predictability_accepts_lists_and_dicts(ctx: CheckContext) -> None:
    a, b = _parameter_like(33)
    want = _judge_cosine(
        torch.cat([t.reshape(-1) for t in a]), torch.cat([t.reshape(-1) for t in b])
    )
    names = ["w1", "b1", "w2", "b2"]
    for args, label in (
        ((a, b), Text(en="lists of per-parameter tensors", pt="listas de tensores por parâmetro")),
        (
            (dict(zip(names, a)), dict(zip(reversed(names), reversed(b)))),
            Text(en="dicts paired by key", pt="dicts pareados pela chave"),
        ),
    ):
        value, call = _cosine_call(ctx, "gradient_predictability", *args)
        expect(
            abs(value - want) <= 2e-5,
            en="{call} with {label} should be the cosine of the concatenated flattened gradients, {want:.6f}, got {got:.6f}.",
            pt="{call} com {label} deveria ser o cosseno dos gradientes achatados e concatenados, {want:.6f}, obteve {got:.6f}.",
            call=call,
            label=label,
            want=want,
            got=value,
        )


@check("5.3", points=1, category="stability")
def check_gradient_predictability_rejects_zero_vectors(ctx: CheckContext) -> None:
    g = _gaussian(4, 7)
    _expect_zero_rejected(ctx.student.gradient_predictability, g, torch.zeros(7))
    _expect_zero_rejected(ctx.student.gradient_predictability, torch.zeros(7), g)


# ---------------------------------------------------------------------------------------------
# 5.3 layer rotation


def _mlp_state(seed: int) -> dict[str, torch.Tensor]:
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(5, 7), nn.ReLU(), nn.Linear(7, 3))
    return {k: v.detach().clone() for k, v in model.named_parameters()}


@check("5.3", points=1, category="correctness")
def check_layer_rotation_zero_at_init(ctx: CheckContext) -> None:
    init = _mlp_state(2)
    got = _rotation(ctx, init, {k: v.clone() for k, v in init.items()})
    call = ctx.student.last_call
    worst = max(got, key=lambda k: abs(got[k]))
    expect(
        abs(got[worst]) <= 1e-6,
        en="{call} with state equal to init_state should be 0 for every key; {key!r} gave {got:.6g}.",
        pt="{call} com state igual a init_state deveria dar 0 em toda chave; {key!r} deu {got:.6g}.",
        call=call,
        key=worst,
        got=got[worst],
    )


@check("5.3", points=2, category="correctness")
def check_layer_rotation_matches_cosine_distance(ctx: CheckContext) -> None:
    """1 - cos per key, on an MLP after a few SGD steps and on random perturbations."""
    init = _mlp_state(4)
    torch.manual_seed(4)
    model = nn.Sequential(nn.Linear(5, 7), nn.ReLU(), nn.Linear(7, 3))
    model.load_state_dict({f"{k}": v for k, v in init.items()})
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    x, y = _gaussian(4, 32, 5), torch.arange(32) % 3
    for _ in range(5):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
    trained = {k: v.detach().clone() for k, v in model.named_parameters()}
    cases = [
        (
            init,
            trained,
            Text(
                en="an MLP before and after 5 SGD steps",
                pt="um MLP antes e depois de 5 passos de SGD",
            ),
        )
    ]
    for seed, noise in ((1, 0.3), (2, 1.0), (3, 3.0)):
        start = {
            f"t{i}": _gaussian(seed * 10 + i, *s) for i, s in enumerate([(3, 4), (6,), (2, 3, 2)])
        }
        moved = {
            k: v + noise * _gaussian(seed * 100 + i, *v.shape)
            for i, (k, v) in enumerate(start.items())
        }
        cases.append(
            (
                start,
                moved,
                Text(
                    en=f"random tensors plus noise of scale {noise}",
                    pt=f"tensores aleatórios mais ruído de escala {noise}",
                ),
            )
        )
    for start, end, story in cases:
        got = _rotation(ctx, start, end)
        call = ctx.student.last_call
        for key in start:
            want = 1.0 - _judge_cosine(start[key], end[key])
            expect(
                abs(got[key] - want) <= 2e-5,
                en="{call} ({story}): rotation[{key!r}] should be 1 - cos(init, current) = {want:.6f}, got {got:.6f}.",
                pt="{call} ({story}): rotation[{key!r}] deveria ser 1 - cos(inicial, atual) = {want:.6f}, obteve {got:.6f}.",
                call=call,
                story=story,
                key=key,
                want=want,
                got=got[key],
            )


@check("5.3", points=1, category="correctness")
def check_layer_rotation_known_angles(ctx: CheckContext) -> None:
    """A tensor rotated by angle θ in a plane has cosine distance 1 - cos θ."""
    init, state, expected = {}, {}, {}
    for index, theta in enumerate((0.3, math.pi / 2, 2.5, math.pi)):
        v = np.random.default_rng(index).normal(size=12)
        u = np.random.default_rng(index + 50).normal(size=12)
        u -= (u @ v) / (v @ v) * v
        u *= np.linalg.norm(v) / np.linalg.norm(u)
        rotated = math.cos(theta) * v + math.sin(theta) * u
        key = f"layer{index}.weight"
        init[key] = torch.from_numpy(v.reshape(3, 4))
        state[key] = torch.from_numpy(rotated.reshape(3, 4))
        expected[key] = 1.0 - math.cos(theta)
    got = _rotation(ctx, init, state)
    expect_close(
        [got[k] for k in init],
        [expected[k] for k in init],
        what="the rotations",
        context=Text(
            en=f"{ctx.student.last_call} with tensors rotated by θ = 0.3, π/2, 2.5 and π (expected 1 - cos θ)",
            pt=f"{ctx.student.last_call} com tensores girados de θ = 0.3, π/2, 2.5 e π (esperado 1 - cos θ)",
        ),
        atol=1e-6,
    )


@check("5.3", points=1, category="correctness")
def check_layer_rotation_scale_invariant(ctx: CheckContext) -> None:
    """Rescaling a tensor (pure shrinkage or growth) does not rotate it."""
    init = _mlp_state(6)
    state = {k: v + 0.5 * torch.randn_like(v) for k, v in init.items()}
    base = _rotation(ctx, init, state)
    call = ctx.student.last_call
    factors = dict(zip(init, (1e-3, 0.5, 7.0, 1e3)))
    scaled = _rotation(ctx, init, {k: factors[k] * v for k, v in state.items()})
    for key in init:
        expect(
            abs(scaled[key] - base[key]) <= 2e-5,
            en="{call}: multiplying state[{key!r}] by {factor:g} changed its rotation from {base:.6f} to {got:.6f}; the cosine distance ignores the scale.",
            pt="{call}: multiplicar state[{key!r}] por {factor:g} mudou sua rotação de {base:.6f} para {got:.6f}; a distância cosseno ignora a escala.",
            call=call,
            key=key,
            factor=factors[key],
            base=base[key],
            got=scaled[key],
        )


@check("5.3", points=1, category="stability")
def check_layer_rotation_in_range_under_rounding(ctx: CheckContext) -> None:
    """Rotation of an unchanged tensor is >= 0 and of a flipped one <= 2, despite rounding."""

    def prop(case: tuple[int, int, int]) -> None:
        g = _rounding_vector(case)
        got = _rotation(ctx, {"same": g, "flipped": g}, {"same": g.clone(), "flipped": -g})
        call = ctx.student.last_call
        expect(
            0.0 <= got["same"] <= 1e-5 and 2.0 - 1e-5 <= got["flipped"] <= 2.0,
            en="{call} returned {same!r} for an unchanged tensor and {flipped!r} for a flipped one; the results must stay in [0, 2] (clamp 1 - cos against rounding).",
            pt="{call} retornou {same!r} para um tensor inalterado e {flipped!r} para um invertido; os resultados devem ficar em [0, 2] (limite 1 - cos contra arredondamentos).",
            call=call,
            same=got["same"],
            flipped=got["flipped"],
        )

    for_all(
        _ROUNDING,
        prop,
        examples=20,
        show=lambda c: f"tensor = {10.0 ** c[2]:g} * (normal vector of size {c[1]}, seed {c[0]})",
    )


@check("5.3", points=1, category="stability")
def check_layer_rotation_rejects_zero_tensors(ctx: CheckContext) -> None:
    w = _gaussian(9, 3, 3)
    expect_raises(
        "ValueError", ctx.student.layer_rotation, {"w": w, "b": torch.zeros(3)}, {"w": w, "b": w[0]}
    )
    expect_raises("ValueError", ctx.student.layer_rotation, {"w": w}, {"w": torch.zeros(3, 3)})


@check("5.3", points=1, category="side-effects")
def check_layer_rotation_leaves_inputs_untouched(ctx: CheckContext) -> None:
    init = _mlp_state(7)
    state = {k: v * 2.0 + 0.1 for k, v in init.items()}
    _, after, _ = ctx.student.layer_rotation.call_with_inputs(
        {k: v.clone() for k, v in init.items()}, {k: v.clone() for k, v in state.items()}
    )
    call = call_repr("layer_rotation", (init, state), {})
    for label, before, got in (("init_state", init, after[0]), ("state", state, after[1])):
        same = isinstance(got, dict) and set(got) == set(before)
        same = same and all(torch.equal(got[k], before[k]) for k in before)
        expect(
            same,
            en="{call} modified its argument {label} (keys or tensor values); compute new tensors instead of normalising in place.",
            pt="{call} modificou o argumento {label} (chaves ou valores dos tensores); crie tensores novos em vez de normalizar no lugar.",
            call=call,
            label=label,
        )


# ---------------------------------------------------------------------------------------------
# 5.3 critical_period_end


def _oracle(history: list[float], threshold: float, patience: int) -> int | None:
    for i in range(len(history)):
        window = range(i + 1, i + patience + 1)
        if window[-1] < len(history) and all(
            abs(history[j] - history[j - 1]) <= threshold for j in window
        ):
            return i
    return None


def _expect_end(
    ctx: CheckContext, history: object, threshold: float, patience: int, why: Text | None = None
) -> None:
    got = ctx.student.critical_period_end(history, threshold, patience)
    call = ctx.student.last_call
    want = _oracle([float(v) for v in history], threshold, patience)  # type: ignore[union-attr]
    ok = got is None if want is None else _is_int(got) and int(got) == want  # type: ignore[arg-type]
    if not ok:
        fail(
            Text(
                en="{call} should return {want!r}, got {got!r}.",
                pt="{call} deveria retornar {want!r}, obteve {got!r}.",
            ).format(call=call, want=want, got=got)
            + (Text.same(" ") + why if why is not None else Text.same(""))
        )


@check("5.3", points=3, category="correctness")
def check_critical_period_end_matches_definition(ctx: CheckContext) -> None:
    """Random histories (multiples of 1/4, so comparisons are exact) against the definition."""

    def prop(case: tuple[list[int], int, int]) -> None:
        steps, threshold_quarters, patience = case
        history = [v / 4.0 for v in steps]
        _expect_end(
            ctx,
            history,
            threshold_quarters / 4.0,
            patience,
            Text(
                en="The answer is the first epoch i with |h[j] - h[j-1]| <= threshold for every j in i+1..i+patience, or None.",
                pt="A resposta é a primeira época i com |h[j] - h[j-1]| <= threshold para todo j em i+1..i+patience, ou None.",
            ),
        )

    for_all(
        st.tuples(
            st.lists(st.integers(-8, 8), min_size=0, max_size=14),
            st.integers(0, 4),
            st.integers(1, 5),
        ),
        prop,
        examples=40,
        show=lambda c: (
            f"history={[v / 4.0 for v in c[0]]}, threshold={c[1] / 4.0}, patience={c[2]}"
        ),
    )


@check("5.3", points=1, category="correctness")
def check_critical_period_end_threshold_is_inclusive(ctx: CheckContext) -> None:
    why = Text(
        en="A change equal to the threshold counts as stable (<=, not <).",
        pt="Uma variação igual ao limiar conta como estável (<=, não <).",
    )
    _expect_end(ctx, [0.0, 1.0, 2.0, 2.5, 3.0, 3.5], 0.5, 3, why)
    _expect_end(ctx, [1.0, 1.25, 1.0, 1.25], 0.25, 2, why)


@check("5.3", points=1, category="correctness")
def check_critical_period_end_uses_absolute_changes(ctx: CheckContext) -> None:
    why = Text(
        en="Large decreases are changes too: compare |h[j] - h[j-1]|, not h[j] - h[j-1].",
        pt="Grandes quedas também são variações: compare |h[j] - h[j-1]|, não h[j] - h[j-1].",
    )
    _expect_end(ctx, [10.0, 5.0, 2.0, 1.0, 1.0, 1.0], 0.5, 2, why)


@check("5.3", points=1, category="stability")
def check_critical_period_end_short_histories(ctx: CheckContext) -> None:
    why = Text(
        en="An epoch i needs patience later epochs (i + patience <= len(history) - 1); otherwise the answer is None, without an error.",
        pt="Uma época i precisa de patience épocas seguintes (i + patience <= len(history) - 1); senão a resposta é None, sem erro.",
    )
    for history, threshold, patience in (
        ([], 0.1, 1),
        ([1.0], 0.1, 1),
        ([1.0, 1.0], 0.1, 1),
        ([1.0, 1.0, 1.0], 0.1, 5),
        ([1.0, 1.0, 1.0, 1.0], 0.0, 3),
        ([1.0, 1.0, 1.0, 1.0], 0.0, 4),
    ):
        _expect_end(ctx, history, threshold, patience, why)


@check("5.3", points=1, category="shape")
def check_critical_period_end_accepts_arrays_returns_int(ctx: CheckContext) -> None:
    history = np.array([3.0, 1.0, 0.5, 0.5, 0.5, 0.5])
    got = ctx.student.critical_period_end(history, 0.1, 2)
    call = ctx.student.last_call
    expect(
        _is_int(got) and int(got) == 2,  # type: ignore[arg-type]
        en="{call} with a numpy array history should return the int 2, got {got!r} ({kind}).",
        pt="{call} com o histórico num array numpy deveria retornar o int 2, obteve {got!r} ({kind}).",
        call=call,
        got=got,
        kind=type(got).__name__,
    )


# ---------------------------------------------------------------------------------------------
# 5.4 BatchNorm only

BN_WIDTH = 256
BN_EPOCHS = 6


def _bn_digits_model() -> nn.Sequential:
    """The judge's fixed random network: 64 -> 256 -> BN -> ReLU -> 256 -> BN -> ReLU -> 10.

    Its Linear weights come from numpy's seeded generator, so every machine builds the same one.
    """
    rng = np.random.default_rng(5022)
    model = nn.Sequential(
        nn.Linear(64, BN_WIDTH),
        nn.BatchNorm1d(BN_WIDTH),
        nn.ReLU(),
        nn.Linear(BN_WIDTH, BN_WIDTH),
        nn.BatchNorm1d(BN_WIDTH),
        nn.ReLU(),
        nn.Linear(BN_WIDTH, 10),
    )
    with torch.no_grad():
        for module in model:
            if isinstance(module, nn.Linear):
                fan_in = module.in_features
                module.weight.copy_(
                    torch.from_numpy(rng.normal(0.0, fan_in**-0.5, size=module.weight.shape))
                )
                module.bias.copy_(torch.from_numpy(rng.normal(0.0, 0.1, size=module.bias.shape)))
    return model


BN_PARAMETERS = {"1.weight", "1.bias", "4.weight", "4.bias"}


def _train_bn(ctx: CheckContext, seed: int = 0) -> tuple[dict[str, torch.Tensor], str]:
    data = digits()
    returned = ctx.student.train_batchnorm_only(
        _bn_digits_model(), np.array(data.X_train), np.array(data.y_train), BN_EPOCHS, seed
    )
    call = ctx.student.last_call
    expect_module(returned, call)
    state = returned.state_dict()
    expected = set(_bn_digits_model().state_dict())
    if not isinstance(state, dict) or set(state) != expected:
        fail(
            en="{call} should return the model it was given (same architecture), so that its state_dict has the keys {expected}; got {got}.",
            pt="{call} deveria retornar o modelo recebido (mesma arquitetura), para que seu state_dict tenha as chaves {expected}; obteve {got}.",
            call=call,
            expected=sorted(expected),
            got=sorted(state) if isinstance(state, dict) else type(state).__name__,
        )
    return state, call


@check("5.4", points=2, category="correctness")
def check_freeze_only_batchnorm_parameters(ctx: CheckContext) -> None:
    """Nested model with BatchNorm1d/2d, LayerNorm, GroupNorm, a bias-free Linear: only BN trains."""
    torch.manual_seed(1)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(4 * 4 * 4, 16, bias=False),
        nn.LayerNorm(16),
        nn.Sequential(nn.Linear(16, 8), nn.GroupNorm(2, 8), nn.ReLU()),
        nn.Sequential(nn.Linear(8, 8), nn.BatchNorm1d(8)),
        nn.Linear(8, 3),
    )
    call = "freeze_all_but_batchnorm(<model with Conv2d, BatchNorm2d, LayerNorm, GroupNorm, BatchNorm1d, nested Sequentials>)"
    frozen = expect_module(ctx.student.freeze_all_but_batchnorm(model), call)
    flags = _trainable(frozen.summary())
    expected = {"1.weight", "1.bias", "7.1.weight", "7.1.bias"}
    wrong_on = sorted(n for n, f in flags.items() if f and n not in expected)
    wrong_off = sorted(n for n, f in flags.items() if not f and n in expected)
    expect(
        not wrong_on and not wrong_off and set(flags) >= expected,
        en="{call}: only the BatchNorm parameters {expected} should require grad; these require grad but should not: {on}; these should but do not: {off}. LayerNorm and GroupNorm are not BatchNorm.",
        pt="{call}: só os parâmetros de BatchNorm {expected} deveriam exigir gradiente; estes exigem mas não deveriam: {on}; estes deveriam mas não exigem: {off}. LayerNorm e GroupNorm não são BatchNorm.",
        call=call,
        expected=sorted(expected),
        on=wrong_on or "none",
        off=wrong_off or "none",
    )


@check("5.4", points=1, category="correctness")
def check_freeze_unfreezes_frozen_batchnorm(ctx: CheckContext) -> None:
    """A BatchNorm that came in frozen requires grad afterwards (exactly BN parameters train)."""
    model = _bn_small()
    model[1].weight.requires_grad_(False)
    model[1].bias.requires_grad_(False)
    call = (
        "freeze_all_but_batchnorm(model) where the BatchNorm's parameters had requires_grad=False"
    )
    frozen = expect_module(ctx.student.freeze_all_but_batchnorm(model), call)
    got = sorted(n for n, f in _trainable(frozen.summary()).items() if f)
    expect(
        got == ["1.bias", "1.weight"],
        en="{call}: afterwards exactly the BatchNorm parameters ['1.bias', '1.weight'] should require grad, got {got}.",
        pt="{call}: depois, exatamente os parâmetros da BatchNorm ['1.bias', '1.weight'] deveriam exigir gradiente, obteve {got}.",
        call=call,
        got=got,
    )


@check("5.4", points=1, category="side-effects")
def check_freeze_keeps_values(ctx: CheckContext) -> None:
    model = _bn_digits_model()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    call = "freeze_all_but_batchnorm(<judge's 64-256-256-10 network with BatchNorm1d>)"
    frozen = expect_module(ctx.student.freeze_all_but_batchnorm(model), call)
    after = frozen.state_dict()
    changed = sorted(k for k in before if k not in after or not torch.equal(after[k], before[k]))
    expect(
        not changed,
        en="{call} changed these entries of the state_dict: {changed}; freezing only switches requires_grad and must keep every value (the random weights are part of the experiment).",
        pt="{call} mudou estas entradas do state_dict: {changed}; congelar só altera requires_grad e deve manter todos os valores (os pesos aleatórios fazem parte do experimento).",
        call=call,
        changed=changed,
    )


@check("5.4", points=2, category="correctness", timeout=120.0)
def check_bn_only_training_keeps_other_parameters(ctx: CheckContext) -> None:
    state, call = _train_bn(ctx)
    initial = _bn_digits_model().state_dict()
    changed = sorted(
        k
        for k in initial
        if k not in BN_PARAMETERS
        and not k.endswith(("running_mean", "running_var", "num_batches_tracked"))
        and not torch.equal(state[k].to(initial[k].dtype), initial[k])
    )
    expect(
        not changed,
        en="{call}: these parameters outside BatchNorm changed during training: {changed}; only BatchNorm's weight and bias may be trained (not even weight decay may touch the others).",
        pt="{call}: estes parâmetros fora da BatchNorm mudaram durante o treino: {changed}; só weight e bias da BatchNorm podem ser treinados (nem weight decay pode mexer nos outros).",
        call=call,
        changed=changed,
    )


@check("5.4", points=1, category="behaviour", timeout=120.0)
def check_bn_only_training_changes_batchnorm(ctx: CheckContext) -> None:
    state, call = _train_bn(ctx)
    initial = _bn_digits_model().state_dict()
    unchanged = sorted(
        k for k in BN_PARAMETERS if torch.equal(state[k].to(initial[k].dtype), initial[k])
    )
    expect(
        not unchanged,
        en="{call}: the BatchNorm parameters {unchanged} did not change at all; they are the ones that must be trained.",
        pt="{call}: os parâmetros da BatchNorm {unchanged} não mudaram nada; são eles que devem ser treinados.",
        call=call,
        unchanged=unchanged,
    )


@check("5.4", points=3, category="behaviour", timeout=120.0)
def check_bn_only_accuracy_measured_by_judge(ctx: CheckContext) -> None:
    """The judge loads the returned state_dict into its own copy and evaluates on held-out digits."""
    state, call = _train_bn(ctx)
    model = _bn_digits_model()
    try:
        model.load_state_dict({k: v.to(model.state_dict()[k].dtype) for k, v in state.items()})
    except RuntimeError as error:
        fail(
            en="{call}: the returned state_dict does not fit the network it was given: {error}",
            pt="{call}: o state_dict retornado não cabe na rede recebida: {error}",
            call=call,
            error=str(error)[:300],
        )
    data = digits()
    score = accuracy(model, np.array(data.X_test), data.y_test)
    if score < 0.6:
        return Partial(
            max(0.0, (score - 0.2) / 0.4),
            Text(
                en=f"{call}: with only BatchNorm trained for {BN_EPOCHS} epochs, the judge measured an accuracy of {score:.3f} on {len(data.y_test)} held-out digits (chance is 0.10); at least 0.60 is expected (check the learning rate and that the BatchNorm parameters are in the optimizer).",
                pt=f"{call}: com só a BatchNorm treinada por {BN_EPOCHS} épocas, o corretor mediu acurácia {score:.3f} em {len(data.y_test)} dígitos não vistos (o acaso é 0.10); espera-se ao menos 0.60 (verifique a taxa de aprendizado e se os parâmetros da BatchNorm estão no otimizador).",
            ),
        )
    return None


@check("5.4", points=1, category="correctness", timeout=120.0)
def check_bn_only_training_deterministic(ctx: CheckContext) -> None:
    first, call = _train_bn(ctx, seed=3)
    second, _ = _train_bn(ctx, seed=3)
    different = sorted(k for k in BN_PARAMETERS if not torch.equal(first[k], second[k]))
    expect(
        not different,
        en="{call} twice with seed=3 gave different BatchNorm parameters ({keys}); seed the shuffling (and anything random) with `seed`.",
        pt="{call} duas vezes com seed=3 deu parâmetros de BatchNorm diferentes ({keys}); use `seed` no embaralhamento (e em tudo que for aleatório).",
        call=call,
        keys=different,
    )


# END HIDDEN
