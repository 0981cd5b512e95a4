"""Grader for ch05_regularization (PCS 5022, chapter 5: regularization).

Ensembles are built from judge-made members and compared with a judge-side computation; the
training-dynamics metrics are checked through their properties (known answers, invariances,
boundary cases); BatchNorm-only training runs on a judge-built network, and the judge loads the
returned state_dict into its own copy of that network to compare parameters and measure accuracy.
Invariance, side-effect and stability properties are assessed only once the function computes the
right thing (``requires=``); training properties only once the training learned something.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from torch import nn

from harness.checks import (
    MODULE,
    CheckContext,
    DictOf,
    GraderSettings,
    Text,
    assess_only_if,
    check,
    digits,
    expect,
    expect_close,
    expect_keys,
    expect_shape,
    fail,
    refine,
    rubric,
)

# the rest of the contract comes from the reference's annotations (`train_ensemble ->
# AveragingEnsemble` is checked in the worker: an instance of the student's own class)
CONTRACT = refine(critical_period_experiment=DictOf(int, MODULE))  # {t: trained model}

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
    x = torch.linspace(-1.0, 1.0, 15).reshape(5, 3)
    out = expect_shape(ctx.student.AveragingEnsemble(members)(x), (5, 4), what="the output")
    want = _mean_softmax(members, x).argmax(dim=1).numpy()
    assess_only_if(
        np.array_equal(out.argmax(axis=1), want),
        en="{call}: the predicted classes {got} are not those of the members' mean softmax {want}; the ensemble does not combine its members, so the form of its output is not assessed.",
        pt="{call}: as classes previstas {got} não são as da média softmax dos membros {want}; o ensemble não combina seus membros, então a forma da saída não é avaliada.",
        call=ctx.student.last_call,
        got=out.argmax(axis=1).tolist(),
        want=want.tolist(),
    )
    expect(
        bool(np.all(out >= 0)) and np.allclose(out.sum(axis=1), 1.0, atol=1e-5),
        en="{call}: every row should be a probability vector (non-negative, summing to 1); the row sums are {sums}.",
        pt="{call}: cada linha deveria ser um vetor de probabilidades (não negativo, somando 1); as somas das linhas são {sums}.",
        call=ctx.student.last_call,
        sums=np.round(out.sum(axis=1), 6).tolist(),
    )


#: the judge's critical-period runs: the first CP_ROWS training digits, CP_EPOCHS epochs
CP_ROWS = 600
CP_EPOCHS = 3
#: held-out accuracy the best model of a run must beat before the other 5.2 properties are assessed
#: (chance is 0.10; models that learned nothing score about that)
CP_LEARNED = 0.3


def _cp_training(labels: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The judge's training digits (float32, pixels / 16) and their labels (relabelled by
    ``labels[y]`` when given); the held-out ones stay with the judge."""
    data = digits()
    y = np.array(data.y_train[:CP_ROWS])
    return np.array(data.X_train[:CP_ROWS]), (y if labels is None else labels[y])


def _cp_models(
    ctx: CheckContext,
    X: np.ndarray,
    y: np.ndarray,
    removal_epochs: list[int],
    epochs: int,
    seed: int,
) -> tuple[dict[int, Any], str]:
    """Call the student's experiment; exactly one model per requested t."""
    models = ctx.student.critical_period_experiment(X, y, removal_epochs, epochs=epochs, seed=seed)
    call = ctx.student.last_call
    expect_keys(models, removal_epochs, what="the dict {t: model}", context=call)
    return models, call


def _cp_outputs(model: Any, t: int, call: str) -> np.ndarray:
    """The logits of the model for t on the judge's held-out digits (the judge puts it in eval
    mode first, as the statement asks)."""
    X_test = np.array(digits().X_test)
    model.call_method("eval")
    return expect_shape(
        model(torch.tensor(X_test)),
        (len(X_test), 10),
        what=f"models[{t}](X) for the judge's held-out digits X, float32 of shape {X_test.shape} (one logit per class)",
        context=call,
    )


def _cp_accuracy(logits: np.ndarray, labels: np.ndarray | None = None) -> float:
    y = np.array(digits().y_test)
    return float((logits.argmax(axis=1) == (y if labels is None else labels[y])).mean())


def _cp_assess_learned(accuracies: dict[int, float], call: str) -> None:
    assess_only_if(
        max(accuracies.values()) > CP_LEARNED,
        en="{call}: the judge measured the held-out accuracies {accuracies} ({{t: accuracy}}; chance is 0.10): no model beats {learned}, so they learned nothing from the training digits and this property is not assessed.",
        pt="{call}: o corretor mediu as acurácias {accuracies} em dígitos não vistos ({{t: acurácia}}; o acaso é 0.10): nenhum modelo passa de {learned}, então eles não aprenderam nada dos dígitos de treino e esta propriedade não é avaliada.",
        call=call,
        accuracies={t: round(a, 3) for t, a in accuracies.items()},
        learned=CP_LEARNED,
    )


@check("5.2", points=1, category="shape", hidden=False, timeout=60.0)
def check_critical_period_experiment_structure_public(ctx: CheckContext) -> None:
    """One model per requested t, each mapping the judge's (n, 64) float32 digits to (n, 10)."""
    requested = [0, 1, CP_EPOCHS]
    models, call = _cp_models(ctx, *_cp_training(), requested, epochs=CP_EPOCHS, seed=0)
    accuracies = {t: _cp_accuracy(_cp_outputs(models[t], t, call)) for t in requested}
    _cp_assess_learned(accuracies, call)


@check("5.3", points=1, category="correctness", hidden=False)
def check_gradient_confusion_small_example(ctx: CheckContext) -> None:
    g_a, g_b = torch.tensor([1.0, 0.0, 0.0]), torch.tensor([1.0, 1.0, 0.0])
    value = ctx.student.gradient_confusion(g_a, g_b)
    expect_close(value, 1 / math.sqrt(2), what="cos(45°)", rtol=0, atol=1e-6)


@check("5.3", points=1, category="correctness", hidden=False)
def check_layer_rotation_small_example(ctx: CheckContext) -> None:
    init = {"w": torch.tensor([[1.0, 0.0], [0.0, 1.0]]), "b": torch.tensor([1.0, 1.0])}
    state = {"w": torch.tensor([[0.0, 1.0], [1.0, 0.0]]), "b": torch.tensor([-2.0, -2.0])}
    got = _rotation(ctx, init, state)
    expect_close(
        [got["w"], got["b"]],
        [1.0, 2.0],
        what=Text(
            en='[rotation["w"], rotation["b"]] (w is orthogonal to its initial value: distance 1; b points the opposite way: distance 2)',
            pt='[rotation["w"], rotation["b"]] (w é ortogonal ao valor inicial: distância 1; b aponta no sentido oposto: distância 2)',
        ),
        atol=1e-6,
    )


@check("5.3", points=1, category="correctness", hidden=False)
def check_critical_period_end_small_example(ctx: CheckContext) -> None:
    why = Text(
        en="The changes at epochs 3 and 4 are 0 and 0.25, both <= 0.5, while the change at epoch 2 is 1.",
        pt="As variações nas épocas 3 e 4 são 0 e 0.25, ambas <= 0.5, enquanto a variação na época 2 é 1.",
    )
    _expect_end(ctx, [4.0, 2.0, 1.0, 1.0, 1.25, 3.0], 0.5, 2, why)


def _bn_small() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 3))


def _trainable(model: Any) -> list[str]:
    """The names of the parameters of a model handle that require grad."""
    return sorted(
        f"{row['name']}.{p['name']}".lstrip(".")
        for row in model.summary()["modules"]
        for p in row["parameters"]
        if p["requires_grad"]
    )


@check("5.4", points=1, category="correctness", hidden=False)
def check_freeze_small_model_public(ctx: CheckContext) -> None:
    got = _trainable(ctx.student.freeze_all_but_batchnorm(_bn_small()))
    expect(
        got == ["1.bias", "1.weight"],
        en="{call}: exactly the BatchNorm parameters ['1.bias', '1.weight'] of Sequential(Linear(4, 8), BatchNorm1d(8), ReLU(), Linear(8, 3)) should require grad, got {got}.",
        pt="{call}: exatamente os parâmetros da BatchNorm ['1.bias', '1.weight'] de Sequential(Linear(4, 8), BatchNorm1d(8), ReLU(), Linear(8, 3)) deveriam exigir gradiente, obteve {got}.",
        call="freeze_all_but_batchnorm(model)",
        got=got,
    )


def _rotation(ctx: CheckContext, init: dict, state: dict) -> dict[str, float]:
    got = ctx.student.layer_rotation(init, state)  # kit bug: escape a short dict's braces
    call = ctx.student.last_call.replace("{", "{{").replace("}", "}}")
    return expect_keys(got, list(init), what="the rotations", context=call)


def _oracle(history: list[float], threshold: float, patience: int) -> int | None:
    for i in range(len(history) - patience):
        if all(
            abs(history[j] - history[j - 1]) <= threshold for j in range(i + 1, i + patience + 1)
        ):
            return i
    return None


def _expect_end(
    ctx: CheckContext, history: Any, threshold: float, patience: int, why: Text
) -> None:
    got = ctx.student.critical_period_end(history, threshold, patience)
    want = _oracle([float(v) for v in history], threshold, patience)
    if got != want:
        fail(
            Text(
                en="{call} should return {want!r}, got {got!r}. ",
                pt="{call} deveria retornar {want!r}, obteve {got!r}. ",
            ).format(call=ctx.student.last_call, want=want, got=got)
            + why
        )


# BEGIN HIDDEN
# Requirement -> checks. 5.1 mean softmax (n, k), rows sum 1: public, matches_mean_of_softmax (1-4
# members, lists only), single_member; submodules: registers_members, eval_propagates (no .train);
# huge logits: stable_*; train_ensemble (n_members=3): accuracy >= 0.9. 5.2 {t: model}, one per
# requested t, (n, 64) -> (n, 10): structure_public (assessed once a model beats 0.3); the judge's
# held-out accuracy of the best model, relabelled classes, curve vs the reference's attached:
# accuracy_measured_by_judge (0.8 full, 0.3 none); augmentation applied (t=0 vs t=epochs differ):
# augmentation_changes_model; same init and generators reset per run ([1] vs [3, 1]):
# models_independent_of_other_runs; seed: deterministic; t outside 0..epochs: rejects_bad_epochs;
# X_train, y_train, removal_epochs unchanged: leaves_inputs_untouched. 5.3 cosine (any shape,
# float32/64; lists/tuples/dicts by key): confusion_*, predictability_*; sizes/keys differ,
# all-zero -> ValueError: rejects_* (sizes: confusion only); clamp: in_range_* (not predictability); inputs untouched (tensor/list/dict);
# critical_period_end: matches_definition (lengths 0-14), inclusive, absolute, short, numpy. 5.4:
# BatchNorm1d/2d/3d: freeze_only_*, unfreezes_*, keeps_values; BN-only: accuracy >= 0.6, keeps, det.
import hypothesis.strategies as st  # noqa: E402

from harness.checks import (  # noqa: E402
    Partial,
    accuracy,
    accuracy_partial,
    call_repr,
    curves,
    expect_deterministic,
    expect_inputs_untouched,
    expect_model_untouched,
    expect_raises,
    for_all,
    load_returned_weights,
    model_snapshot,
)

# ---------------------------------------------------------------------------------------------
# 5.1 averaging ensemble


def _expect_mean_softmax(out: Any, members: list, x: torch.Tensor, what: Text) -> None:
    expect_close(out, _mean_softmax(members, x), what=what, rtol=1e-4, atol=1e-5)


@check("5.1", points=3, category="correctness")
def check_ensemble_matches_mean_of_softmax(ctx: CheckContext) -> None:
    """Output equals the judge's mean of the members' softmax, for 1 to 4 members of any size."""

    def prop(case: tuple[int, int, int, int, int]) -> None:
        seed, count, batch, d_in, classes = case
        members, x = _members(seed, count, d_in, classes), _gaussian(seed, batch, d_in)
        what = Text(
            en=f"the output of an ensemble of {count} member(s) with {classes} classes on x of shape ({batch}, {d_in}), which must be the mean of the members' softmax probabilities",
            pt=f"a saída de um ensemble de {count} membro(s) com {classes} classes em x de forma ({batch}, {d_in}), que deve ser a média das probabilidades softmax dos membros",
        )
        _expect_mean_softmax(ctx.student.AveragingEnsemble(members)(x), members, x, what)

    for_all(
        st.tuples(*(st.integers(*r) for r in ((0, 10_000), (1, 4), (1, 9), (1, 6), (2, 7)))),
        prop,
        examples=10,
        show=lambda c: (
            f"seed={c[0]}, members={c[1]}, batch={c[2]}, in_features={c[3]}, classes={c[4]}"
        ),
    )


@check("5.1", points=1, category="correctness")
def check_single_member_ensemble_is_its_softmax(ctx: CheckContext) -> None:
    members, x = _members(11, 1, d_in=4, classes=5), _gaussian(11, 6, 4)
    what = Text(
        en="the output of an ensemble of a single member, which must be that member's softmax probabilities (not its logits)",
        pt="a saída de um ensemble de um único membro, que deve ser as probabilidades softmax desse membro (não seus logits)",
    )
    _expect_mean_softmax(ctx.student.AveragingEnsemble(members)(x), members, x, what)


@check("5.1", points=2, category="shape", requires=check_ensemble_matches_mean_of_softmax)
def check_ensemble_registers_members(ctx: CheckContext) -> None:
    """The members' parameters are the ensemble's: counted in its summary, present in state_dict."""
    members = _members(3, 3, d_in=4, classes=3)
    ensemble = ctx.student.AveragingEnsemble(members)
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
    tensors = [v for v in ensemble.state_dict().values() if isinstance(v, torch.Tensor)]
    for index, member in enumerate(members, start=1):
        for name, parameter in member.named_parameters():
            expect(
                any(
                    t.shape == parameter.shape
                    and torch.equal(t.to(parameter.dtype), parameter.detach())
                    for t in tensors
                ),
                en="{call}: the state_dict of the ensemble does not contain member {index}'s parameter {name} with its values.",
                pt="{call}: o state_dict do ensemble não contém o parâmetro {name} do membro {index} com seus valores.",
                call=call,
                index=index,
                name=name,
            )


@check("5.1", points=1, category="correctness", requires=check_ensemble_matches_mean_of_softmax)
def check_ensemble_eval_propagates_to_members(ctx: CheckContext) -> None:
    """After ensemble.eval(), members with dropout are deterministic and match the judge's eval output."""
    members, x = _members(5, 2, d_in=6, classes=4, dropout=0.5), _gaussian(5, 8, 6)
    ensemble = ctx.student.AveragingEnsemble(members)
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
    what = Text(
        en="the output of members containing Dropout(0.5) after ensemble.eval(), which must be the mean softmax of the members in eval mode (dropout off)",
        pt="a saída de membros com Dropout(0.5) depois de ensemble.eval(), que deve ser a média softmax dos membros em modo eval (dropout desligado)",
    )
    _expect_mean_softmax(ensemble(x), members, x, what)


@check("5.1", points=1, category="stability", requires=check_ensemble_matches_mean_of_softmax)
def check_ensemble_stable_with_large_logits(ctx: CheckContext) -> None:
    """Members whose logits reach about 1e4: still finite probabilities (a stable softmax)."""
    members, x = _members(7, 2, d_in=3, classes=4), _gaussian(7, 6, 3)
    with torch.no_grad():
        for member in members:
            member[-1].weight.mul_(3000.0)
    what = Text(
        en="the output for members whose logits are of the order of 1e4 (exp overflows: use torch.softmax or subtract the row maximum)",
        pt="a saída para membros cujos logits são da ordem de 1e4 (exp estoura: use torch.softmax ou subtraia o máximo da linha)",
    )
    _expect_mean_softmax(ctx.student.AveragingEnsemble(members)(x), members, x, what)


@check("5.1", points=2, category="behaviour", timeout=120.0)
def check_trained_ensemble_accuracy(ctx: CheckContext) -> Partial | None:
    """train_ensemble returns an AveragingEnsemble; the judge measures its accuracy on held-out digits."""
    data = digits()
    ensemble = ctx.student.train_ensemble(np.array(data.X_train), np.array(data.y_train), 3, 0)
    call = ctx.student.last_call
    ensemble.call_method("eval")
    x_test = torch.from_numpy(np.array(data.X_test))
    out = expect_shape(ensemble(x_test), (len(data.X_test), 10), what="ensemble(X_test)")
    return accuracy_partial(
        float((out.argmax(axis=1) == data.y_test).mean()),
        full=0.9,
        zero=0.5,
        what=Text(
            en=f"the accuracy the judge measured on {len(data.y_test)} held-out digits (train the members longer if it is low)",
            pt=f"a acurácia que o corretor mediu em {len(data.y_test)} dígitos não vistos (treine os membros por mais tempo se estiver baixa)",
        ),
        context=call,
    )


# ---------------------------------------------------------------------------------------------
# 5.2 critical-period experiment: the student returns models, the judge measures them

#: the judge relabels the digit classes (class c becomes CP_RELABEL[c]) for the accuracy check, so
#: that only models trained on the (X_train, y_train) it passes can score: a function that loads
#: the digits itself and ignores its arguments predicts the original classes
CP_RELABEL = np.array([3, 8, 1, 6, 0, 9, 4, 7, 2, 5])
#: the best model's held-out accuracy for full points (the reference's are about 0.88-0.91 with
#: CP_ROWS = 600 and CP_EPOCHS = 3, seeds 0 and 1); none at or below CP_LEARNED (untrained
#: models score 0.08-0.2)
CP_FULL = 0.8


def _cp_accuracies(
    models: dict[int, Any], call: str, labels: np.ndarray | None = None
) -> dict[int, float]:
    return {t: _cp_accuracy(_cp_outputs(models[t], t, call), labels) for t in sorted(models)}


def _cp_curve_figure(student: dict[int, float], reference: dict[int, float]) -> Any:
    ts = sorted(reference)
    figure = curves(
        ts,
        {
            "student": [student.get(t, np.nan) for t in ts],
            "reference": [reference[t] for t in ts],
            "chance": [0.1] * len(ts),
        },
        xlabel="t (augmentation during the first t epochs only)",
        ylabel="held-out accuracy measured by the judge",
    )
    figure.axes[0].set_xticks(ts)
    figure.axes[0].set_ylim(0.0, 1.0)
    return figure


@check("5.2", points=2, category="behaviour", timeout=90.0)
def check_critical_period_accuracy_measured_by_judge(ctx: CheckContext) -> Partial | None:
    """The judge evaluates every returned model on its own held-out digits (with the classes
    relabelled, so the models must come from the training data passed in); the best one counts.
    The judge-measured curve accuracy-versus-t is attached next to the reference's."""
    requested = list(range(CP_EPOCHS + 1))
    arguments = (*_cp_training(CP_RELABEL), requested)
    models, call = _cp_models(ctx, *arguments, epochs=CP_EPOCHS, seed=1)
    student = _cp_accuracies(models, call, CP_RELABEL)
    reference_models = ctx.reference.critical_period_experiment(
        *arguments, epochs=CP_EPOCHS, seed=1
    )
    reference = _cp_accuracies(reference_models, "reference", CP_RELABEL)
    ctx.attach_figure(
        Text(
            en=f"Critical-period experiment: held-out accuracy measured by the judge for each t (epochs={CP_EPOCHS}, {CP_ROWS} training digits, seed=1), student and reference",
            pt=f"Experimento de período crítico: acurácia em dígitos não vistos medida pelo corretor para cada t (epochs={CP_EPOCHS}, {CP_ROWS} dígitos de treino, seed=1), aluno e referência",
        ),
        _cp_curve_figure(student, reference),
    )
    shown = {t: round(a, 3) for t, a in student.items()}
    return accuracy_partial(
        max(student.values()),
        full=CP_FULL,
        zero=CP_LEARNED,
        what=Text(
            en=f"the best held-out accuracy the judge measured over the returned models (chance is 0.10; the classes were relabelled, so models must be trained on the X_train, y_train passed in; per t: {shown})",
            pt=f"a melhor acurácia em dígitos não vistos que o corretor mediu entre os modelos devolvidos (o acaso é 0.10; as classes foram renomeadas, então os modelos devem ser treinados nos X_train, y_train recebidos; por t: {shown})",
        ),
        context=call,
    )


@check(
    "5.2",
    points=1,
    category="behaviour",
    timeout=60.0,
    requires=check_critical_period_experiment_structure_public,
)
def check_critical_period_augmentation_changes_model(ctx: CheckContext) -> None:
    """The model augmented throughout (t = epochs) and the never-augmented one (t = 0) differ."""
    models, call = _cp_models(ctx, *_cp_training(), [0, CP_EPOCHS], epochs=CP_EPOCHS, seed=2)
    never, always = (_cp_outputs(models[t], t, call) for t in (0, CP_EPOCHS))
    difference = float(np.max(np.abs(never - always)))
    expect(
        difference > 1e-4,
        en="{call}: the models for t = 0 (never augmented) and t = {epochs} (augmented during every epoch) give the same logits on the judge's held-out digits (largest difference {difference:.2g}); the augmentation is never applied to the inputs the model is trained on.",
        pt="{call}: os modelos para t = 0 (nunca aumentado) e t = {epochs} (aumentado em todas as épocas) dão os mesmos logits nos dígitos não vistos do corretor (maior diferença {difference:.2g}); o aumento de dados nunca é aplicado às entradas com que o modelo é treinado.",
        call=call,
        epochs=CP_EPOCHS,
        difference=difference,
    )


@check(
    "5.2",
    points=1,
    category="correctness",
    timeout=60.0,
    requires=check_critical_period_experiment_structure_public,
)
def check_critical_period_models_independent_of_other_runs(ctx: CheckContext) -> None:
    """The model for t depends on (t, seed) only: t = 1 alone and t = 1 after t = 3 are the same
    (catches an initialisation or a noise generator shared by the runs instead of reset)."""
    X, y = _cp_training()
    alone, call_alone = _cp_models(ctx, X, y, [1], epochs=CP_EPOCHS, seed=0)
    after, call_after = _cp_models(ctx, X, y, [CP_EPOCHS, 1], epochs=CP_EPOCHS, seed=0)
    difference = float(
        np.max(np.abs(_cp_outputs(after[1], 1, call_after) - _cp_outputs(alone[1], 1, call_alone)))
    )
    expect(
        difference <= 1e-5,
        en="The model for t = 1 returned by {after} and the one returned by {alone} give different logits on the judge's held-out digits (largest difference {difference:.3g}); each model must depend on t and seed only: every run starts from the same initialisation and resets its random generators, so that no run depends on the runs requested before it (a generator or an initialisation shared by the runs breaks this).",
        pt="O modelo para t = 1 devolvido por {after} e o devolvido por {alone} dão logits diferentes nos dígitos não vistos do corretor (maior diferença {difference:.3g}); cada modelo deve depender só de t e seed: todo treino parte da mesma inicialização e reinicia seus geradores aleatórios, para que nenhum treino dependa dos pedidos antes dele (um gerador ou uma inicialização compartilhados entre os treinos quebram isso).",
        after=call_after,
        alone=call_alone,
        difference=difference,
    )


@check(
    "5.2",
    points=1,
    category="correctness",
    timeout=60.0,
    requires=check_critical_period_experiment_structure_public,
)
def check_critical_period_experiment_deterministic(ctx: CheckContext) -> None:
    """The same call twice returns the same models (compared by state_dict)."""
    X, y = _cp_training()
    expect_deterministic(
        ctx.student.critical_period_experiment,
        X,
        y,
        [0, 2],
        epochs=2,
        seed=3,
        compare=lambda models: [models.get(t) for t in (0, 2)],
    )


@check(
    "5.2",
    points=1,
    category="stability",
    requires=check_critical_period_experiment_structure_public,
)
def check_critical_period_experiment_rejects_bad_epochs(ctx: CheckContext) -> None:
    X, y = _cp_training()
    f = ctx.student.critical_period_experiment
    expect_raises("ValueError", f, X[:100], y[:100], [0, 4], epochs=3, seed=0)
    expect_raises("ValueError", f, X[:100], y[:100], [-1], epochs=3, seed=0)


@check(
    "5.2",
    points=1,
    category="side-effects",
    timeout=60.0,
    requires=check_critical_period_experiment_structure_public,
)
def check_critical_period_experiment_leaves_inputs_untouched(ctx: CheckContext) -> None:
    X, y = _cp_training()
    expect_inputs_untouched(ctx.student.critical_period_experiment, X, y, [0, 2], epochs=2, seed=0)


# ---------------------------------------------------------------------------------------------
# 5.3 gradient confusion and gradient predictability


def _expect_cosine(
    ctx: CheckContext, name: str, args: tuple, want: float, what: Text | str
) -> None:
    value = getattr(ctx.student, name)(*args)
    expect_close(value, want, what=what, rtol=0, atol=2e-5)


def _correlated(seed: int, n: int, rho: float) -> tuple[torch.Tensor, torch.Tensor]:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=n)
    b = rho * a + math.sqrt(max(0.0, 1 - rho * rho)) * rng.normal(size=n)
    return torch.from_numpy(a).float(), torch.from_numpy(b).float()


FLAT_COSINE = Text(
    en="the cosine of the flattened gradients", pt="o cosseno dos gradientes achatados"
)


@check("5.3", points=2, category="correctness")
def check_gradient_confusion_matches_cosine(ctx: CheckContext) -> None:
    def prop(case: tuple[int, int, float]) -> None:
        seed, n, rho = case
        a, b = _correlated(seed, n, rho)
        if n % 2:  # any shape is flattened
            a, b = a.reshape(-1, 1), b.reshape(-1, 1)
        _expect_cosine(ctx, "gradient_confusion", (a, b), _judge_cosine(a, b), FLAT_COSINE)

    for_all(
        st.tuples(
            st.integers(0, 10_000),
            st.integers(1, 60),
            st.sampled_from([-0.9, -0.3, 0.0, 0.5, 0.99]),
        ),
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
    for other, want, label in (
        (g.clone(), 1.0, Text(en="with g_b = g_a", pt="com g_b = g_a")),
        (-g, -1.0, Text(en="with g_b = -g_a", pt="com g_b = -g_a")),
        (orthogonal, 0.0, Text(en="with g_b orthogonal to g_a", pt="com g_b ortogonal a g_a")),
    ):
        value = ctx.student.gradient_confusion(g, other)
        expect_close(value, want, what=Text(en="the cosine ", pt="o cosseno ") + label, atol=1e-6)


@check("5.3", points=1, category="correctness", requires=check_gradient_confusion_matches_cosine)
def check_gradient_confusion_invariances(ctx: CheckContext) -> None:
    """Symmetric, unchanged by positive rescaling (loss scale), sign flip with negative scaling."""

    def prop(case: tuple[int, int, float, float]) -> None:
        seed, n, rho, scale = case
        a, b = _correlated(seed, n, rho)
        base = ctx.student.gradient_confusion(a, b)
        for label, args, want in (
            ("gradient_confusion(g_b, g_a)", (b, a), base),
            (f"gradient_confusion({scale:g} * g_a, g_b)", (scale * a, b), base),
            (f"gradient_confusion(g_a, -{scale:g} * g_b)", (a, -scale * b), -base),
        ):
            what = Text(
                en=f"{label} (the cosine is symmetric and ignores the gradients' scale; gradient_confusion(g_a, g_b) = {base:.6f})",
                pt=f"{label} (o cosseno é simétrico e ignora a escala dos gradientes; gradient_confusion(g_a, g_b) = {base:.6f})",
            )
            _expect_cosine(ctx, "gradient_confusion", args, want, what)

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


def _expect_lists_and_dicts(ctx: CheckContext, name: str, seed: int) -> None:
    """Lists/tuples of per-parameter tensors are concatenated; dicts are paired by key."""
    a, b = _parameter_like(seed)
    want = _judge_cosine(
        torch.cat([t.reshape(-1) for t in a]), torch.cat([t.reshape(-1) for t in b])
    )
    names = ["layer1.weight", "layer1.bias", "layer2.weight", "layer2.bias"]
    for args, label in (
        ((a, b), Text(en="lists of per-parameter tensors", pt="listas de tensores por parâmetro")),
        (
            (tuple(a), tuple(b)),
            Text(en="tuples of per-parameter tensors", pt="tuplas de tensores por parâmetro"),
        ),
        (
            (dict(zip(names, a)), dict(zip(reversed(names), reversed(b)))),
            Text(
                en="two dicts with the same keys in different insertion orders (paired by key)",
                pt="dois dicts com as mesmas chaves em ordens de inserção diferentes (pareados pela chave)",
            ),
        ),
    ):
        what = Text(en="the cosine for ", pt="o cosseno para ") + label
        _expect_cosine(ctx, name, args, want, what)


@check("5.3", points=2, category="correctness", requires=check_gradient_confusion_matches_cosine)
def check_gradient_confusion_accepts_lists_and_dicts(ctx: CheckContext) -> None:
    _expect_lists_and_dicts(ctx, "gradient_confusion", 21)


def _rounding_vector(case: tuple[int, int, int]) -> torch.Tensor:
    seed, n, exponent = case
    return _gaussian(seed, n) * 10.0**exponent


_ROUNDING = st.tuples(st.integers(0, 10_000), st.integers(1, 300), st.integers(-3, 3))


@check("5.3", points=1, category="stability", requires=check_gradient_confusion_matches_cosine)
def check_gradient_confusion_in_range_under_rounding(ctx: CheckContext) -> None:
    """cos(g, g) and cos(g, -g) stay within [-1, 1] despite rounding (clamp the result)."""

    def prop(case: tuple[int, int, int]) -> None:
        g = _rounding_vector(case)
        for other, bound in ((g.clone(), 1.0), (-g, -1.0)):
            value = ctx.student.gradient_confusion(g, other)
            expect(
                -1.0 <= value <= 1.0 and abs(value - bound) <= 1e-5,
                en="{call} returned {got!r}, outside [-1, 1] or far from {bound}: rounding can push dot(a, b) / (|a| |b|) slightly past ±1, so clamp the result.",
                pt="{call} retornou {got!r}, fora de [-1, 1] ou longe de {bound}: arredondamentos podem levar dot(a, b) / (|a| |b|) um pouco além de ±1, então limite o resultado.",
                call=ctx.student.last_call,
                got=value,
                bound=bound,
            )

    for_all(
        _ROUNDING,
        prop,
        examples=25,
        show=lambda c: f"g = {10.0 ** c[2]:g} * (normal vector of size {c[1]}, seed {c[0]})",
    )


@check("5.3", points=1, category="stability", requires=check_gradient_confusion_matches_cosine)
def check_gradient_confusion_rejects_zero_vectors(ctx: CheckContext) -> None:
    g, confusion = _gaussian(3, 5), ctx.student.gradient_confusion
    expect_raises("ValueError", confusion, torch.zeros(5), g)
    expect_raises("ValueError", confusion, g, torch.zeros(5))
    expect_raises("ValueError", confusion, [torch.zeros(2, 2), torch.zeros(3)], [g[:4], g[:3]])


@check("5.3", points=1, category="stability", requires=check_gradient_confusion_matches_cosine)
def check_gradient_confusion_rejects_mismatched_sizes(ctx: CheckContext) -> None:
    (a, b), confusion = _parameter_like(5), ctx.student.gradient_confusion
    expect_raises("ValueError", confusion, _gaussian(1, 5), _gaussian(2, 6))
    expect_raises("ValueError", confusion, a, b[:3])
    expect_raises("ValueError", confusion, {"w": a[0], "b": a[1]}, {"w": b[0], "c": b[1]})


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
    for curvature, lr, want, (en, pt) in (
        (
            np.full(6, 2.0),
            0.1,
            1.0,
            ("an isotropic", "uma quadrática isotrópica com passo pequeno"),
        ),
        (
            np.full(6, 2.0),
            0.8,
            -1.0,
            (
                "an overshot isotropic",
                "uma quadrática isotrópica com passo que ultrapassa o mínimo",
            ),
        ),
        (
            np.array([0.5, 1.0, 4.0, 9.0, 2.0]),
            0.2,
            None,
            ("an anisotropic", "uma quadrática anisotrópica"),
        ),
    ):
        g_now, g_next = _quadratic_gradients(curvature, lr, seed=int(lr * 10))
        value = ctx.student.gradient_predictability(g_now, g_next)
        expect_close(
            value,
            _judge_cosine(g_now, g_next) if want is None else want,
            what=Text(
                en=f"the cosine of the gradients before and after one gradient-descent step (lr={lr}) on {en} quadratic",
                pt=f"o cosseno dos gradientes antes e depois de um passo de gradiente descendente (lr={lr}) em {pt}",
            ),
            rtol=0,
            atol=1e-6,
        )


@check("5.3", points=1, category="correctness", requires=check_gradient_predictability_on_quadratic)
def check_gradient_predictability_accepts_lists_and_dicts(ctx: CheckContext) -> None:
    _expect_lists_and_dicts(ctx, "gradient_predictability", 33)


@check("5.3", points=1, category="stability", requires=check_gradient_predictability_on_quadratic)
def check_gradient_predictability_rejects_zero_vectors(ctx: CheckContext) -> None:
    g = _gaussian(4, 7)
    expect_raises("ValueError", ctx.student.gradient_predictability, g, torch.zeros(7))
    expect_raises("ValueError", ctx.student.gradient_predictability, torch.zeros(7), g)


@check(
    "5.3",
    points=1,
    category="side-effects",
    requires=(check_gradient_confusion_matches_cosine, check_gradient_predictability_on_quadratic),
)
def check_cosine_metrics_leave_inputs_untouched(ctx: CheckContext) -> None:
    a, b = _parameter_like(8)
    for name in ("gradient_confusion", "gradient_predictability"):
        for args in ((a[0], b[0]), (a, b), (dict(zip("wxyz", a)), dict(zip("wxyz", b)))):
            expect_inputs_untouched(getattr(ctx.student, name), *args)


# ---------------------------------------------------------------------------------------------
# 5.3 layer rotation


def _mlp_state(seed: int) -> dict[str, torch.Tensor]:
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(5, 7), nn.ReLU(), nn.Linear(7, 3))
    return {k: v.detach().clone() for k, v in model.named_parameters()}


def _expect_rotations(ctx: CheckContext, init: dict, state: dict, story: Text) -> None:
    """1 - cos(init[key], state[key]) for every key, as the judge computes it."""
    got = _rotation(ctx, init, state)
    want = [1.0 - _judge_cosine(init[k], state[k]) for k in init]
    what = Text(en="the rotations ", pt="as rotações ") + Text.same(f"{list(init)}: ") + story
    expect_close([got[k] for k in init], want, what=what, rtol=0, atol=2e-5)


@check("5.3", points=2, category="correctness")
def check_layer_rotation_matches_cosine_distance(ctx: CheckContext) -> None:
    """1 - cos per key, on an MLP after a few SGD steps and on random perturbations."""
    init = _mlp_state(4)
    torch.manual_seed(4)
    model = nn.Sequential(nn.Linear(5, 7), nn.ReLU(), nn.Linear(7, 3))
    model.load_state_dict(init)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    x, y = _gaussian(4, 32, 5), torch.arange(32) % 3
    for _ in range(5):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        optimizer.step()
    trained = {k: v.detach().clone() for k, v in model.named_parameters()}
    _expect_rotations(
        ctx,
        init,
        trained,
        Text(
            en="an MLP before and after 5 SGD steps", pt="um MLP antes e depois de 5 passos de SGD"
        ),
    )
    for seed, noise in ((1, 0.3), (2, 1.0), (3, 3.0)):
        start = {
            f"t{i}": _gaussian(seed * 10 + i, *s) for i, s in enumerate([(3, 4), (6,), (2, 3, 2)])
        }
        moved = {
            k: v + noise * _gaussian(seed * 100 + i, *v.shape)
            for i, (k, v) in enumerate(start.items())
        }
        story = Text(
            en=f"random tensors plus noise of scale {noise}",
            pt=f"tensores aleatórios mais ruído de escala {noise}",
        )
        _expect_rotations(ctx, start, moved, story)


@check(
    "5.3", points=1, category="correctness", requires=check_layer_rotation_matches_cosine_distance
)
def check_layer_rotation_zero_at_init(ctx: CheckContext) -> None:
    init = _mlp_state(2)
    story = Text(en="state equal to init_state", pt="state igual a init_state")
    _expect_rotations(ctx, init, {k: v.clone() for k, v in init.items()}, story)


@check("5.3", points=1, category="correctness")
def check_layer_rotation_known_angles(ctx: CheckContext) -> None:
    """A tensor rotated by angle θ in a plane has cosine distance 1 - cos θ."""
    init, state, expected = {}, {}, []
    for index, theta in enumerate((0.3, math.pi / 2, 2.5, math.pi)):
        v = np.random.default_rng(index).normal(size=12)
        u = np.random.default_rng(index + 50).normal(size=12)
        u -= (u @ v) / (v @ v) * v
        u *= np.linalg.norm(v) / np.linalg.norm(u)
        init[f"layer{index}.weight"] = torch.from_numpy(v.reshape(3, 4))
        state[f"layer{index}.weight"] = torch.from_numpy(
            (math.cos(theta) * v + math.sin(theta) * u).reshape(3, 4)
        )
        expected.append(1.0 - math.cos(theta))
    got = _rotation(ctx, init, state)
    what = Text(
        en="the rotations of tensors rotated by θ = 0.3, π/2, 2.5 and π (1 - cos θ)",
        pt="as rotações de tensores girados de θ = 0.3, π/2, 2.5 e π (1 - cos θ)",
    )
    expect_close([got[k] for k in init], expected, what=what, atol=1e-6)


@check(
    "5.3", points=1, category="correctness", requires=check_layer_rotation_matches_cosine_distance
)
def check_layer_rotation_scale_invariant(ctx: CheckContext) -> None:
    """Rescaling a tensor (pure shrinkage or growth) does not rotate it."""
    init = _mlp_state(6)
    state = {k: v + 0.5 * torch.randn_like(v) for k, v in init.items()}
    base = _rotation(ctx, init, state)
    factors = dict(zip(init, (1e-3, 0.5, 7.0, 1e3)))
    scaled = _rotation(ctx, init, {k: factors[k] * v for k, v in state.items()})
    what = Text(
        en=f"the rotations after multiplying the tensors of state by {list(factors.values())} (the cosine distance ignores the scale)",
        pt=f"as rotações depois de multiplicar os tensores de state por {list(factors.values())} (a distância cosseno ignora a escala)",
    )
    expect_close([scaled[k] for k in init], [base[k] for k in init], what=what, rtol=0, atol=2e-5)


@check("5.3", points=1, category="stability", requires=check_layer_rotation_matches_cosine_distance)
def check_layer_rotation_in_range_under_rounding(ctx: CheckContext) -> None:
    """Rotation of an unchanged tensor is >= 0 and of a flipped one <= 2, despite rounding."""

    def prop(case: tuple[int, int, int]) -> None:
        g = _rounding_vector(case)
        got = _rotation(ctx, {"same": g, "flipped": g}, {"same": g.clone(), "flipped": -g})
        expect(
            0.0 <= got["same"] <= 1e-5 and 2.0 - 1e-5 <= got["flipped"] <= 2.0,
            en="{call} returned {same!r} for an unchanged tensor and {flipped!r} for a flipped one; the results must stay in [0, 2] (clamp 1 - cos against rounding).",
            pt="{call} retornou {same!r} para um tensor inalterado e {flipped!r} para um invertido; os resultados devem ficar em [0, 2] (limite 1 - cos contra arredondamentos).",
            call=ctx.student.last_call,
            same=got["same"],
            flipped=got["flipped"],
        )

    for_all(
        _ROUNDING,
        prop,
        examples=20,
        show=lambda c: f"tensor = {10.0 ** c[2]:g} * (normal vector of size {c[1]}, seed {c[0]})",
    )


@check("5.3", points=1, category="stability", requires=check_layer_rotation_matches_cosine_distance)
def check_layer_rotation_rejects_zero_tensors(ctx: CheckContext) -> None:
    w, rotation = _gaussian(9, 3, 3), ctx.student.layer_rotation
    expect_raises("ValueError", rotation, {"w": w, "b": torch.zeros(3)}, {"w": w, "b": w[0]})
    expect_raises("ValueError", rotation, {"w": w}, {"w": torch.zeros(3, 3)})


@check(
    "5.3", points=1, category="side-effects", requires=check_layer_rotation_matches_cosine_distance
)
def check_layer_rotation_leaves_inputs_untouched(ctx: CheckContext) -> None:
    init = _mlp_state(7)
    expect_inputs_untouched(
        ctx.student.layer_rotation, init, {k: v * 2.0 + 0.1 for k, v in init.items()}
    )


# ---------------------------------------------------------------------------------------------
# 5.3 critical_period_end


@check("5.3", points=3, category="correctness")
def check_critical_period_end_matches_definition(ctx: CheckContext) -> None:
    """Random histories (multiples of 1/4, so comparisons are exact) against the definition."""
    why = Text(
        en="The answer is the first epoch i with |h[j] - h[j-1]| <= threshold for every j in i+1..i+patience, or None.",
        pt="A resposta é a primeira época i com |h[j] - h[j-1]| <= threshold para todo j em i+1..i+patience, ou None.",
    )

    def prop(case: tuple[list[int], int, int]) -> None:
        steps, threshold_quarters, patience = case
        _expect_end(ctx, [v / 4.0 for v in steps], threshold_quarters / 4.0, patience, why)

    for_all(
        st.tuples(st.lists(st.integers(-8, 8), max_size=14), st.integers(0, 4), st.integers(1, 5)),
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


@check("5.3", points=1, category="stability", requires=check_critical_period_end_matches_definition)
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


@check("5.3", points=1, category="shape", requires=check_critical_period_end_matches_definition)
def check_critical_period_end_accepts_numpy_history(ctx: CheckContext) -> None:
    why = Text(en="The history is a numpy array here.", pt="Aqui o histórico é um array numpy.")
    _expect_end(ctx, np.array([3.0, 1.0, 0.5, 0.5, 0.5, 0.5]), 0.1, 2, why)


# ---------------------------------------------------------------------------------------------
# 5.4 BatchNorm only

BN_WIDTH = 256
BN_EPOCHS = 6
BN_PARAMETERS = {"1.weight", "1.bias", "4.weight", "4.bias"}
#: held-out accuracy that BatchNorm-only training must beat before its other properties are
#: assessed: twice chance (an untrained copy of the network scores about 0.07)
BN_LEARNED = 0.2


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


def _bn_arguments(seed: int) -> tuple:
    data = digits()
    return _bn_digits_model(), np.array(data.X_train), np.array(data.y_train), BN_EPOCHS, seed


def _judge_copy(returned: Any, call: str) -> tuple[nn.Module, float]:
    """The judge's network with the returned state_dict loaded, and its held-out accuracy."""
    model = load_returned_weights(returned, _bn_digits_model(), call=call)
    data = digits()
    return model, accuracy(model, np.array(data.X_test), data.y_test)


def _train_bn(ctx: CheckContext, seed: int = 0) -> tuple[nn.Module, float, str]:
    returned = ctx.student.train_batchnorm_only(*_bn_arguments(seed))
    call = ctx.student.last_call
    return (*_judge_copy(returned, call), call)


def _assess_learned(score: float, call: str) -> None:
    assess_only_if(
        score > BN_LEARNED,
        en="{call}: the judge measured a held-out accuracy of {score:.3f} (chance is 0.10), so the BatchNorm-only training learned nothing and this property is not assessed.",
        pt="{call}: o corretor mediu acurácia {score:.3f} em dados não vistos (o acaso é 0.10), então o treino só da BatchNorm não aprendeu nada e esta propriedade não é avaliada.",
        call=call,
        score=score,
    )


@check("5.4", points=2, category="correctness")
def check_freeze_only_batchnorm_parameters(ctx: CheckContext) -> None:
    """Nested model with BatchNorm1d/2d/3d, LayerNorm, GroupNorm, a bias-free Linear: only BN trains."""
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
        nn.BatchNorm3d(2),
    )
    got = _trainable(ctx.student.freeze_all_but_batchnorm(model))
    expected = ["1.bias", "1.weight", "7.1.bias", "7.1.weight", "9.bias", "9.weight"]
    expect(
        got == expected,
        en="freeze_all_but_batchnorm(<model with Conv2d, BatchNorm2d, LayerNorm, GroupNorm, BatchNorm1d, BatchNorm3d, nested Sequentials>): exactly the BatchNorm parameters {expected} should require grad, got {got}. LayerNorm and GroupNorm are not BatchNorm.",
        pt="freeze_all_but_batchnorm(<modelo com Conv2d, BatchNorm2d, LayerNorm, GroupNorm, BatchNorm1d, BatchNorm3d, Sequentials aninhados>): exatamente os parâmetros de BatchNorm {expected} deveriam exigir gradiente, obteve {got}. LayerNorm e GroupNorm não são BatchNorm.",
        expected=expected,
        got=got,
    )


@check("5.4", points=1, category="correctness")
def check_freeze_unfreezes_frozen_batchnorm(ctx: CheckContext) -> None:
    """A BatchNorm that came in frozen requires grad afterwards (exactly BN parameters train)."""
    model = _bn_small()
    model[1].requires_grad_(False)
    got = _trainable(ctx.student.freeze_all_but_batchnorm(model))
    expect(
        got == ["1.bias", "1.weight"],
        en="freeze_all_but_batchnorm(model) where the BatchNorm's parameters had requires_grad=False: afterwards exactly the BatchNorm parameters ['1.bias', '1.weight'] should require grad, got {got}.",
        pt="freeze_all_but_batchnorm(model) em que os parâmetros da BatchNorm tinham requires_grad=False: depois, exatamente os parâmetros da BatchNorm ['1.bias', '1.weight'] deveriam exigir gradiente, obteve {got}.",
        got=got,
    )


@check("5.4", points=1, category="side-effects", requires=check_freeze_only_batchnorm_parameters)
def check_freeze_keeps_values(ctx: CheckContext) -> None:
    """Freezing only switches requires_grad: every value of the (random) network stays."""
    model = ctx.student.put(_bn_digits_model())
    before = model_snapshot(model)
    frozen = ctx.student.freeze_all_but_batchnorm(model)
    call = ctx.student.last_call
    expect_model_untouched(frozen, before, context=call, modes=False, hooks=False, flags=False)


@check("5.4", points=3, category="behaviour", timeout=120.0)
def check_bn_only_accuracy_measured_by_judge(ctx: CheckContext) -> Partial | None:
    """The judge loads the returned state_dict into its own copy and evaluates on held-out digits."""
    _, score, call = _train_bn(ctx)
    return accuracy_partial(
        score,
        full=0.6,
        zero=BN_LEARNED,
        what=Text(
            en=f"the held-out accuracy (chance is 0.10) measured by the judge after only BatchNorm was trained for {BN_EPOCHS} epochs (check the learning rate and that the BatchNorm parameters are in the optimizer)",
            pt=f"a acurácia em dados não vistos (o acaso é 0.10) medida pelo corretor depois de treinar só a BatchNorm por {BN_EPOCHS} épocas (verifique a taxa de aprendizado e se os parâmetros da BatchNorm estão no otimizador)",
        ),
        context=call,
    )


@check("5.4", points=2, category="correctness", timeout=120.0)
def check_bn_only_training_keeps_other_parameters(ctx: CheckContext) -> None:
    model, score, call = _train_bn(ctx)
    _assess_learned(score, call)
    initial = _bn_digits_model().state_dict()
    changed = sorted(
        k
        for k, v in model.state_dict().items()
        if k not in BN_PARAMETERS
        and not k.endswith(("running_mean", "running_var", "num_batches_tracked"))
        and not torch.equal(v, initial[k])
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
    model, score, call = _train_bn(ctx)
    _assess_learned(score, call)
    initial, state = _bn_digits_model().state_dict(), model.state_dict()
    unchanged = sorted(k for k in BN_PARAMETERS if torch.equal(state[k], initial[k]))
    expect(
        not unchanged,
        en="{call}: the BatchNorm parameters {unchanged} did not change at all; they are the ones that must be trained.",
        pt="{call}: os parâmetros da BatchNorm {unchanged} não mudaram nada; são eles que devem ser treinados.",
        call=call,
        unchanged=unchanged,
    )


@check("5.4", points=1, category="correctness", timeout=120.0)
def check_bn_only_training_deterministic(ctx: CheckContext) -> None:
    arguments = _bn_arguments(3)
    returned = expect_deterministic(ctx.student.train_batchnorm_only, *arguments)
    call = call_repr("train_batchnorm_only", arguments, {})
    _assess_learned(_judge_copy(returned, call)[1], call)


# END HIDDEN
