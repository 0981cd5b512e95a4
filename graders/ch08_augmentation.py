"""Grader for ch08_augmentation (PCS 5022, chapter 8: data augmentation and adversarial examples).

Nothing the submission reports is taken on trust. 8.1 returns trained models: the judge measures
their accuracy on digits it kept, and checks which rows each setting may depend on by changing the
rows it must ignore. 8.3 and 8.4 attack judge-built networks (the shipped, trained ch04 digits MLP,
uploaded with ``ctx.student.put``): the judge runs its own FGSM on the same network, compares, and
inspects the network afterwards (weights, ``.grad``, modes, ``requires_grad``). The distilled
samples of 8.4 are the class means of the training digits (a stand-in for IPC = 1 distilled data).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from harness.checks import (
    MODULE,
    Array,
    CheckContext,
    GraderSettings,
    Keys,
    Text,
    Tuple,
    check,
    expect,
    expect_close,
    refine,
    rubric,
)

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=20.0, submission_budget_s=120.0)

CONTRACT = refine(
    augment_tabular=Tuple((Array(ndim=2), Array(ndim=1))),
    quantity_vs_diversity=Keys(repetition=MODULE, diversity=MODULE, quantity=MODULE),
    fgsm=Array(ndim=2),
    scaleup_consistency=Array(ndim=1),
    tta_predict=Array(ndim=1, integer=True),
    fgsm_from_distilled=Array(ndim=2),
)

QUANTITY_VS_DIVERSITY = rubric(
    "8.1",
    "quantity_vs_diversity_discussion",
    2,
    Text(
        en="Using the judge's accuracy table, explain what quantity and diversity each contribute at the same number of steps, and what the experiment would need (seeds, values of k) to support a conclusion.",
        pt="Com a tabela de acurácias do corretor, explique o que quantidade e diversidade acrescentam com o mesmo número de passos, e o que o experimento precisaria (sementes, valores de k) para sustentar uma conclusão.",
    ),
)
TABULAR_EFFECTIVENESS = rubric(
    "8.2",
    "tabular_augmentation_effectiveness",
    2,
    Text(
        en="Justify why the tabular augmentation keeps each row's class, how its effectiveness was measured (with/without, same seeds, held-out data) and when it stops helping.",
        pt="Justifique por que o aumento tabular preserva a classe de cada linha, como sua efetividade foi medida (com/sem, mesmas sementes, dados não vistos) e quando ele deixa de ajudar.",
    ),
)
TEST_TIME_DEFENCE = rubric(
    "8.3",
    "test_time_defence",
    2,
    Text(
        en="Discuss the judge's table of accuracy with and without the test-time defence under FGSM, and how the scaled-consistency score could serve as a detector (threshold, false positives, adaptive attacks).",
        pt="Discuta a tabela do corretor com a acurácia com e sem a defesa no teste sob FGSM, e como a pontuação de consistência sob escala poderia servir de detector (limiar, falsos positivos, ataques adaptativos).",
    ),
)
DISTILLED_QUESTIONS = rubric(
    "8.4",
    "distilled_fgsm_questions",
    2,
    Text(
        en="Answer (i) whether an FGSM that never takes the gradient at x is effective (use the judge's table) and (ii) how to test whether distilled samples transfer to other architectures.",
        pt="Responda (i) se um FGSM que nunca calcula o gradiente em x é efetivo (use a tabela do corretor) e (ii) como testar se amostras destiladas se transferem para outras arquiteturas.",
    ),
)

# the public examples: a two-class linear model whose input gradient has a closed form
_LINEAR_WEIGHT = np.array([[1.0, -1.0, 0.5], [-1.0, 1.0, -0.5]])


def _linear_model() -> nn.Linear:
    layer = nn.Linear(3, 2)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(_LINEAR_WEIGHT, dtype=torch.float32))
        layer.bias.zero_()
    return layer.eval()


def _linear_input_gradient_sign(points: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """sign(W^T (softmax(W p) - onehot(label))) for the linear model, row by row."""
    logits = points @ _LINEAR_WEIGHT.T
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities = shifted / shifted.sum(axis=1, keepdims=True)
    probabilities[np.arange(len(labels)), labels] -= 1.0
    return np.sign(probabilities @ _LINEAR_WEIGHT)


def _two_blob_table(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    labels = np.repeat(np.array([7, 2, 5]), [14, 9, 17])
    table = rng.normal(size=(40, 5)) * np.array([1.0, 3.0, 0.2, 10.0, 1.0]) + labels[:, None]
    return table, labels


@check("8.2", points=1, category="shape", hidden=False)
def check_augment_shapes_and_labels(ctx: CheckContext) -> None:
    """One augmented row per input row, labels unchanged and in the same order."""
    X, y = _two_blob_table(ctx.rng)
    X_aug, y_aug = ctx.student.augment_tabular(X, y, 0)
    expect(
        np.shape(X_aug) == X.shape and np.array_equal(np.asarray(y_aug), y),
        en="{call}: expected X_aug of shape {shape} (one augmented copy per row) and y_aug equal to y = {y}; got X_aug of shape {got_shape} and y_aug = {got_y}.",
        pt="{call}: esperado X_aug de forma {shape} (uma cópia aumentada por linha) e y_aug igual a y = {y}; obtido X_aug de forma {got_shape} e y_aug = {got_y}.",
        call=ctx.student.last_function_call,
        shape=X.shape,
        y=y.tolist(),
        got_shape=np.shape(X_aug),
        got_y=np.asarray(y_aug).tolist(),
    )


@check("8.3", points=1, category="correctness", hidden=False)
def check_fgsm_linear_example(ctx: CheckContext) -> None:
    """A two-class linear model whose input gradient sign is known in closed form; eps = 0.1."""
    points = np.array([[0.5, 0.5, 0.5], [0.5, 0.05, 0.98]], dtype=np.float32)
    labels = np.array([0, 1])
    step = 0.1 * _linear_input_gradient_sign(points.astype(np.float64), labels)
    expected = np.clip(points + step, 0.0, 1.0)
    model = ctx.student.put(_linear_model())
    got = ctx.student.fgsm(model, torch.from_numpy(points), torch.from_numpy(labels), 0.1)
    expect_close(got, expected, what="x_adv", atol=1e-5)


@check("8.3", points=1, category="correctness", hidden=False)
def check_scaleup_small_example(ctx: CheckContext) -> None:
    """Class 1 iff x1 + x2 > 1.1; scales (1, 2, 3) with clamping to [0, 1]."""
    layer = nn.Linear(2, 2)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[0.0, 0.0], [1.0, 1.0]]))
        layer.bias.copy_(torch.tensor([0.0, -1.1]))
    points = torch.tensor([[0.3, 0.3], [0.1, 0.1], [0.6, 0.6], [0.45, 0.0]])
    got = ctx.student.scaleup_consistency(ctx.student.put(layer.eval()), points, [1.0, 2.0, 3.0])
    expect_close(got, [1 / 3, 1.0, 1.0, 1.0], what="the consistency scores", atol=1e-6)


@check("8.4", points=1, category="correctness", hidden=False)
def check_distilled_linear_example(ctx: CheckContext) -> None:
    """With the linear model, every row moves along the sign of the gradient at its predicted class's
    distilled sample (for this model the sign depends on the class only); eps = 0.1."""
    points = np.array([[0.5, 0.2, 0.5], [0.2, 0.7, 0.3], [0.9, 0.1, 0.0]], dtype=np.float32)
    distilled = {0: torch.tensor([0.8, 0.1, 0.6]), 1: torch.tensor([0.1, 0.9, 0.2])}
    predicted = (points @ _LINEAR_WEIGHT.T).argmax(axis=1)
    bases = np.stack([distilled[int(c)].numpy() for c in predicted]).astype(np.float64)
    expected = np.clip(points + 0.1 * _linear_input_gradient_sign(bases, predicted), 0.0, 1.0)
    model = ctx.student.put(_linear_model())
    got = ctx.student.fgsm_from_distilled(model, torch.from_numpy(points), distilled, 0.1)
    expect_close(got, expected, what="x_adv", atol=1e-5)


@check("8.1", points=1, category="shape", hidden=False)
def check_quantity_vs_diversity_structure(ctx: CheckContext) -> None:
    """Three models, each mapping (m, 64) digits to (m, 10) logits."""
    from harness.checks import digits

    split = digits()
    models = ctx.student.quantity_vs_diversity(
        np.array(split.X_train[:200]), np.array(split.y_train[:200]), 50, 4, 0
    )
    call = ctx.student.last_function_call
    for name in ("repetition", "diversity", "quantity"):
        shape = np.shape(np.asarray(models[name](torch.from_numpy(np.array(split.X_test[:5])))))
        expect(
            shape == (5, 10),
            en="{call}[{name!r}] applied to 5 digits (a (5, 64) float32 tensor) should give (5, 10) logits; got shape {shape}.",
            pt="{call}[{name!r}] aplicado a 5 dígitos (um tensor float32 (5, 64)) deveria dar logits (5, 10); obteve forma {shape}.",
            call=call,
            name=name,
            shape=shape,
        )


@check("8.3", points=1, category="shape", hidden=False)
def check_tta_labels_shape(ctx: CheckContext) -> None:
    """tta_predict on 6 points of a 3-feature linear model: 6 labels in {0, 1}."""
    points = torch.rand(6, 3)
    labels = ctx.student.tta_predict(ctx.student.put(_linear_model()), points, 4, 0)
    got = np.asarray(labels)
    expect(
        got.shape == (6,) and set(got.tolist()) <= {0, 1},
        en="{call}: expected 6 class labels of a two-class model (each 0 or 1); got {got}.",
        pt="{call}: esperados 6 rótulos de um modelo de duas classes (cada um 0 ou 1); obtido {got}.",
        call=ctx.student.last_function_call,
        got=got.tolist(),
    )


# BEGIN HIDDEN
# Requirements -> checks
# 8.1 three models on n_small*k samples; judge measures accuracy; repetition/diversity ignore rows
#     from n_small on, quantity uses them; seeded: check_quantity_vs_diversity_structure,
#     check_quantity_vs_diversity_models_learn, check_small_settings_ignore_extra_rows,
#     check_quantity_uses_extra_rows, check_quantity_vs_diversity_deterministic
# 8.2 shapes/labels, not identity, mean shift <= 0.25 std, seeded, inputs untouched:
#     check_augment_shapes_and_labels, check_augment_labels_preserved, check_augment_not_identity,
#     check_augment_mean_shift_small, check_augment_deterministic_per_seed,
#     check_augment_seeds_differ, check_augment_inputs_untouched
# 8.3 fgsm: linear example, agreement with the judge's FGSM, L-inf <= eps, [0, 1], loss up, model /
#     inputs untouched; SCALE-UP score: example, definition, constant model -> 1, in [0, 1];
#     TTA: labels, clean accuracy kept, deterministic, model untouched (+ robustness table)
# 8.4 linear example, agreement with the judge, same perturbation per predicted class, no label
#     leakage, model untouched (+ table against plain FGSM)
import copy  # noqa: E402
import functools  # noqa: E402

from harness.checks import (  # noqa: E402
    Partial,
    accuracy_partial,
    assess_only_if,
    digits,
    expect_deterministic,
    expect_inputs_untouched,
    expect_model_untouched,
    first_difference,
    model_snapshot,
)
from harness.fixtures.ch04_deep_learning import digits_model as _shipped_digits_model  # noqa: E402

EPS = 0.1
N_SMALL, K = 50, 4
SCALES = [1.5, 2.0, 3.0, 4.0, 5.0]
#: held-out accuracy a returned 8.1 model must beat (chance is 0.10)
LEARNED = 0.5


@functools.cache
def _digits_mlp() -> nn.Module:
    return _shipped_digits_model()


def digits_model() -> nn.Module:
    """A fresh copy of the shipped, trained ch04 digits MLP (64-192x5-10), in eval mode."""
    return copy.deepcopy(_digits_mlp()).eval()


def _test_digits(n: int = 200) -> tuple[torch.Tensor, torch.Tensor]:
    split = digits()
    return torch.from_numpy(np.array(split.X_test[:n])), torch.from_numpy(
        np.array(split.y_test[:n])
    )


def _judge_fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    probe = x.clone().requires_grad_(True)
    nn.functional.cross_entropy(model(probe), y).backward()
    step = eps * probe.grad.sign()
    _drop_parameter_grads(model)
    return (x + step).clamp(0.0, 1.0)


def _drop_parameter_grads(model: nn.Module) -> None:
    """The judge's attacks use backward(); its own copies of the network get no stray .grad."""
    for weights in model.parameters():
        weights.grad = None


def _predict(model: nn.Module, x: torch.Tensor) -> np.ndarray:
    with torch.no_grad():
        return model(x).argmax(dim=1).numpy()


def _loss(model: nn.Module, x: Any, y: torch.Tensor) -> float:
    with torch.no_grad():
        values = torch.as_tensor(np.asarray(x), dtype=torch.float32)
        return float(nn.functional.cross_entropy(model(values), y))


def _distilled() -> dict[int, torch.Tensor]:
    split = digits()
    X, y = np.array(split.X_train), np.array(split.y_train)
    return {c: torch.from_numpy(X[y == c].mean(axis=0)) for c in range(10)}


def _judge_distilled_fgsm(model: nn.Module, x: torch.Tensor, eps: float) -> torch.Tensor:
    distilled = _distilled()
    signs = []
    for c in range(10):
        base = distilled[c][None].clone().requires_grad_(True)
        nn.functional.cross_entropy(model(base), torch.tensor([c])).backward()
        signs.append(base.grad[0].sign())
    _drop_parameter_grads(model)
    return (x + eps * torch.stack(signs)[torch.from_numpy(_predict(model, x))]).clamp(0.0, 1.0)


def _agreement(got: Any, expected: torch.Tensor) -> float:
    array = np.asarray(got, dtype=np.float64)
    if array.shape != tuple(expected.shape):
        return 0.0
    return float(np.mean(np.abs(array - expected.numpy()) <= 1e-4))


def _adversarial_figure(clean: np.ndarray, adversarial: np.ndarray, labels: list[str]) -> Any:
    from matplotlib.figure import Figure

    count = len(clean)
    figure = Figure(figsize=(1.3 * count, 4.0), layout="constrained")
    rows = [("clean", clean, "gray"), ("perturbation", adversarial - clean, "bwr")]
    rows.append(("adversarial", adversarial, "gray"))
    for r, (title, images, cmap) in enumerate(rows):
        for i in range(count):
            axis = figure.add_subplot(3, count, r * count + i + 1)
            limits = (-EPS, EPS) if cmap == "bwr" else (0.0, 1.0)
            axis.imshow(images[i].reshape(8, 8), cmap=cmap, vmin=limits[0], vmax=limits[1])
            axis.set_xticks([])
            axis.set_yticks([])
            if i == 0:
                axis.set_ylabel(title, fontsize=7)
            if r == 2:
                axis.set_xlabel(labels[i], fontsize=7)
    return figure


# ----------------------------------------------------------------------------- 8.2


@check("8.2", points=1, category="correctness")
def check_augment_labels_preserved(ctx: CheckContext) -> None:
    """Unsorted, non-contiguous labels on tables of several shapes: y_aug == y, row for row."""
    for n, m in ((7, 2), (25, 9), (60, 3)):
        X = ctx.rng.normal(size=(n, m)) * 4.0
        y = ctx.rng.choice(np.array([11, 4, 9]), size=n)
        X_aug, y_aug = ctx.student.augment_tabular(X, y, 3)
        expect(
            np.shape(X_aug) == X.shape and np.array_equal(np.asarray(y_aug), y),
            en="{call}: y_aug must equal y = {y} (same order) and X_aug have shape {shape}; got y_aug = {got} and shape {got_shape}.",
            pt="{call}: y_aug deve ser igual a y = {y} (mesma ordem) e X_aug ter forma {shape}; obtido y_aug = {got} e forma {got_shape}.",
            call=ctx.student.last_function_call,
            y=y.tolist(),
            shape=X.shape,
            got=np.asarray(y_aug).tolist(),
            got_shape=np.shape(X_aug),
        )


def _changed_rows(X: np.ndarray, X_aug: Any) -> float:
    array = np.asarray(X_aug, dtype=np.float64)
    if array.shape != X.shape or not np.all(np.isfinite(array)):
        return 0.0
    return float(np.mean(np.any(np.abs(array - X) > 1e-9 * (1.0 + np.abs(X)), axis=1)))


@check("8.2", points=2, category="correctness")
def check_augment_not_identity(ctx: CheckContext) -> None:
    """At least half of the rows change, and the result is finite."""
    X, y = _two_blob_table(ctx.rng)
    X_aug, _ = ctx.student.augment_tabular(X, y, 1)
    call = ctx.student.last_function_call
    moved = np.abs(np.asarray(X_aug, dtype=np.float64) - X) / X.std(axis=0)
    assess_only_if(
        moved.shape == X.shape and float(np.median(moved)) <= 1.0,
        en="{call}: X_aug is not shaped like X or lies far from it (median change above one std per feature): it is not an augmentation of X, so whether it differs from X is not assessed.",
        pt="{call}: X_aug não tem a forma de X ou está longe dele (mudança mediana acima de um desvio por atributo): não é um aumento de X, então se ele difere de X não é avaliado.",
        call=call,
    )
    changed = _changed_rows(X, X_aug)
    expect(
        changed >= 0.5,
        en="{call}: only {changed:.0%} of the rows of X_aug differ from X (or X_aug is not finite / not shaped like X); an augmentation must change most rows.",
        pt="{call}: só {changed:.0%} das linhas de X_aug diferem de X (ou X_aug não é finito / não tem a forma de X); um aumento deve mudar a maioria das linhas.",
        call=call,
        changed=changed,
    )


@check("8.2", points=1, category="correctness", requires=check_augment_not_identity)
def check_augment_mean_shift_small(ctx: CheckContext) -> None:
    """|mean_j(X_aug) - mean_j(X)| <= 0.25 std_j(X) for every feature (a constant one stays put)."""
    for seed in (0, 1, 2):
        X, y = _two_blob_table(ctx.rng)
        X[:, 2] = 3.5  # a constant feature
        X_aug, _ = ctx.student.augment_tabular(X, y, seed)
        shift = np.abs(np.asarray(X_aug, dtype=np.float64).mean(axis=0) - X.mean(axis=0))
        bound = 0.25 * X.std(axis=0) + 1e-9
        worst = int(np.argmax(shift - bound))
        expect(
            bool(np.all(shift <= bound)),
            en="{call}: the mean of feature {j} moved by {shift:.4g}, more than 0.25 x its std ({bound:.4g}); mean shifts per feature: {shifts}.",
            pt="{call}: a média do atributo {j} se deslocou {shift:.4g}, mais que 0.25 x seu desvio ({bound:.4g}); deslocamentos por atributo: {shifts}.",
            call=ctx.student.last_function_call,
            j=worst,
            shift=float(shift[worst]),
            bound=float(bound[worst]),
            shifts=np.round(shift, 4).tolist(),
        )


@check("8.2", points=1, category="correctness", requires=check_augment_not_identity)
def check_augment_deterministic_per_seed(ctx: CheckContext) -> None:
    X, y = _two_blob_table(ctx.rng)
    expect_deterministic(ctx.student.augment_tabular, X, y, 5)


@check("8.2", points=1, category="correctness", requires=check_augment_not_identity)
def check_augment_seeds_differ(ctx: CheckContext) -> None:
    X, y = _two_blob_table(ctx.rng)
    first, _ = ctx.student.augment_tabular(X, y, 0)
    second, _ = ctx.student.augment_tabular(X, y, 1)
    expect(
        first_difference(np.asarray(first), np.asarray(second)) is not None,
        en="{call} and the same call with seed=0 returned the same X_aug: different seeds must give different augmentations.",
        pt="{call} e a mesma chamada com seed=0 retornaram o mesmo X_aug: sementes diferentes devem dar aumentos diferentes.",
        call=ctx.student.last_function_call,
    )


@check("8.2", points=1, category="side-effects", requires=check_augment_not_identity)
def check_augment_inputs_untouched(ctx: CheckContext) -> None:
    X, y = _two_blob_table(ctx.rng)
    expect_inputs_untouched(ctx.student.augment_tabular, X, y, 2)


# ----------------------------------------------------------------------------- 8.1


def _qd(ctx: CheckContext, X: np.ndarray, y: np.ndarray) -> tuple[dict[str, Any], str]:
    models = ctx.student.quantity_vs_diversity(X, y, N_SMALL, K, 0)
    return models, ctx.student.last_function_call


def _qd_data() -> tuple[np.ndarray, np.ndarray]:
    split = digits()
    return np.array(split.X_train[: N_SMALL * K]), np.array(split.y_train[: N_SMALL * K])


def _remote_accuracy(model: Any, x: torch.Tensor, y: torch.Tensor) -> float:
    logits = np.asarray(model(x))
    if logits.shape != (len(y), 10):
        return 0.0
    return float(np.mean(logits.argmax(axis=1) == y.numpy()))


@check("8.1", points=2, category="behaviour")
def check_quantity_vs_diversity_models_learn(ctx: CheckContext) -> Any:
    """The judge measures each model on 200 held-out digits; each must beat 0.5 (chance 0.10)."""
    models, call = _qd(ctx, *_qd_data())
    x, y = _test_digits()
    scores = {name: _remote_accuracy(models[name], x, y) for name in models}
    ctx.attach_table(
        Text(
            en=f"Held-out accuracy measured by the judge (n_small={N_SMALL}, k={K}, 200 test digits)",
            pt=f"Acurácia em dados não vistos medida pelo corretor (n_small={N_SMALL}, k={K}, 200 dígitos de teste)",
        ),
        ["setting", "accuracy"],
        [[name, round(score, 4)] for name, score in scores.items()],
    )
    learned = [name for name, score in scores.items() if score > LEARNED]
    if len(learned) == 3:
        return None
    return Partial(
        len(learned) / 3,
        Text(
            en=f"{call}: the judge measured held-out accuracies {scores}; each model should exceed {LEARNED}.",
            pt=f"{call}: o corretor mediu acurácias {scores} em dados não vistos; cada modelo deveria passar de {LEARNED}.",
        ),
    )


def _outputs(models: dict[str, Any], names: tuple[str, ...]) -> dict[str, np.ndarray]:
    x, _ = _test_digits(100)
    return {name: np.asarray(models[name](x)) for name in names}


def _changed_tail() -> tuple[np.ndarray, np.ndarray]:
    X, y = _qd_data()
    X, y = X.copy(), y.copy()
    rng = np.random.default_rng(8)
    X[N_SMALL:] = rng.random(size=X[N_SMALL:].shape).astype(np.float32)
    y[N_SMALL:] = rng.permutation(y[N_SMALL:])
    return X, y


@check("8.1", points=2, category="leakage", requires=check_quantity_vs_diversity_models_learn)
def check_small_settings_ignore_extra_rows(ctx: CheckContext) -> None:
    """Replacing rows n_small.. by noise with shuffled labels leaves repetition and diversity as
    they were (same seed, same outputs)."""
    names = ("repetition", "diversity")
    first = _outputs(_qd(ctx, *_qd_data())[0], names)
    models, call = _qd(ctx, *_changed_tail())
    second = _outputs(models, names)
    changed = [name for name in names if first_difference(first[name], second[name])]
    expect(
        not changed,
        en="{call}: after the judge replaced rows {n}.. of X by noise (and shuffled their labels), the models {changed} changed; these settings may use only the first n_small = {n} rows.",
        pt="{call}: depois que o corretor trocou as linhas {n}.. de X por ruído (e embaralhou seus rótulos), os modelos {changed} mudaram; esses cenários só podem usar as primeiras n_small = {n} linhas.",
        call=call,
        n=N_SMALL,
        changed=changed,
    )


@check("8.1", points=1, category="correctness", requires=check_small_settings_ignore_extra_rows)
def check_quantity_uses_extra_rows(ctx: CheckContext) -> None:
    """The quantity model does change when rows n_small.. change: it trains on n_small * k rows."""
    first = _outputs(_qd(ctx, *_qd_data())[0], ("quantity",))
    models, call = _qd(ctx, *_changed_tail())
    second = _outputs(models, ("quantity",))
    expect(
        first_difference(first["quantity"], second["quantity"]) is not None,
        en="{call}: the 'quantity' model came out identical after the judge replaced rows {n}..{end} of X: it should train on all n_small * k = {end} distinct rows.",
        pt="{call}: o modelo 'quantity' saiu idêntico depois que o corretor trocou as linhas {n}..{end} de X: ele deveria treinar com todas as n_small * k = {end} linhas distintas.",
        call=call,
        n=N_SMALL,
        end=N_SMALL * K,
    )


@check("8.1", points=1, category="correctness", requires=check_quantity_vs_diversity_models_learn)
def check_quantity_vs_diversity_deterministic(ctx: CheckContext) -> None:
    names = ("repetition", "diversity", "quantity")
    first = _outputs(_qd(ctx, *_qd_data())[0], names)
    models, call = _qd(ctx, *_qd_data())
    changed = [
        name for name in names if first_difference(first[name], _outputs(models, names)[name])
    ]
    expect(
        not changed,
        en="{call} was called twice with the same arguments and the models {changed} differ: draw every random choice from seed.",
        pt="{call} foi chamada duas vezes com os mesmos argumentos e os modelos {changed} diferem: sorteie toda escolha aleatória a partir de seed.",
        call=call,
        changed=changed,
    )


# ----------------------------------------------------------------------------- 8.3


def _fgsm_call(ctx: CheckContext, eps: float = EPS, n: int = 120, train: bool = False) -> Any:
    x, y = _test_digits(n)
    model = digits_model().train(train)
    remote = ctx.student.put(model)
    return model, remote, x, y, ctx.student.fgsm(remote, x, y, eps)


def _moved(got: Any, x: torch.Tensor) -> bool:
    array = np.asarray(got, dtype=np.float64)
    return array.shape == tuple(x.shape) and float(np.max(np.abs(array - x.numpy()))) > 1e-6


def _moved_within(got: Any, x: torch.Tensor, eps: float) -> bool:
    array = np.asarray(got, dtype=np.float64)
    return _moved(got, x) and float(np.max(np.abs(array - x.numpy()))) <= eps + 1e-6


@check("8.3", points=3, category="correctness")
def check_fgsm_matches_judge(ctx: CheckContext) -> None:
    """On the trained digits MLP, for eps in (0.05, 0.1, 0.3), x_adv agrees with the judge's FGSM
    (|difference| <= 1e-4) on at least 99% of the pixels."""
    for eps in (0.05, 0.1, 0.3):
        model, _, x, y, got = _fgsm_call(ctx, eps)
        call = ctx.student.last_function_call
        expected = _judge_fgsm(model, x, y, eps)
        share = _agreement(got, expected)
        expect(
            share >= 0.99,
            en="{call} on the judge's trained digits MLP (120 test digits, pixels in [0, 1]): only {share:.1%} of the pixels agree with clamp(x + eps * sign(grad_x CE(model(x), y)), 0, 1) computed by the judge.",
            pt="{call} no MLP de dígitos treinado do corretor (120 dígitos de teste, pixels em [0, 1]): só {share:.1%} dos pixels coincidem com clamp(x + eps * sinal(grad_x CE(model(x), y)), 0, 1) calculado pelo corretor.",
            call=call,
            share=share,
        )
        if eps == EPS:
            shown = np.asarray(got, dtype=np.float64)[:6]
            labels = [
                f"{int(a)} -> {int(b)}"
                for a, b in zip(y[:6].tolist(), _predict(model, torch.from_numpy(shown).float()))
            ]
            ctx.attach_figure(
                Text(
                    en=f"Your FGSM (eps {EPS}) on the judge's digits MLP: clean, perturbation, adversarial (true -> predicted)",
                    pt=f"Seu FGSM (eps {EPS}) no MLP de dígitos do corretor: limpa, perturbação, adversarial (verdadeira -> prevista)",
                ),
                _adversarial_figure(x[:6].numpy(), shown, labels),
            )


@check("8.3", points=1, category="correctness")
def check_fgsm_within_eps(ctx: CheckContext) -> None:
    """max |x_adv - x| <= eps (+1e-6) for eps in (0.02, 0.1)."""
    for eps in (0.02, EPS):
        _, _, x, _, got = _fgsm_call(ctx, eps)
        assess_only_if(
            _moved(got, x),
            en="{call} returned x unchanged (or not shaped like x): nothing to bound.",
            pt="{call} retornou x sem mudança (ou sem a forma de x): nada a limitar.",
            call=ctx.student.last_function_call,
        )
        distance = float(np.max(np.abs(np.asarray(got, dtype=np.float64) - x.numpy())))
        expect(
            distance <= eps + 1e-6,
            en="{call}: the L-inf distance between x_adv and x is {distance:.4g}, above eps = {eps}.",
            pt="{call}: a distância L-inf entre x_adv e x é {distance:.4g}, acima de eps = {eps}.",
            call=ctx.student.last_function_call,
            distance=distance,
            eps=eps,
        )


@check("8.3", points=1, category="correctness")
def check_fgsm_in_unit_range(ctx: CheckContext) -> None:
    """x_adv stays in [0, 1] (digits have many pixels at 0 and at 1)."""
    _, _, x, _, got = _fgsm_call(ctx, 0.3)
    assess_only_if(
        _moved_within(got, x, 0.3),
        en="{call} returned x unchanged, not shaped like x, or farther than eps from it.",
        pt="{call} retornou x sem mudança, sem a forma de x, ou a mais de eps dele.",
        call=ctx.student.last_function_call,
    )
    array = np.asarray(got, dtype=np.float64)
    expect(
        float(array.min()) >= 0.0 and float(array.max()) <= 1.0,
        en="{call}: x_adv ranges over [{low:.3g}, {high:.3g}]; clamp it to [0, 1].",
        pt="{call}: x_adv vai de {low:.3g} a {high:.3g}; limite-o a [0, 1].",
        call=ctx.student.last_function_call,
        low=float(array.min()),
        high=float(array.max()),
    )


@check("8.3", points=1, category="correctness")
def check_fgsm_increases_loss(ctx: CheckContext) -> None:
    """The judge's cross-entropy on x_adv exceeds the one on x."""
    model, _, x, y, got = _fgsm_call(ctx, EPS)
    assess_only_if(
        _moved_within(got, x, EPS),
        en="{call} returned x unchanged, not shaped like x, or farther than eps from it.",
        pt="{call} retornou x sem mudança, sem a forma de x, ou a mais de eps dele.",
        call=ctx.student.last_function_call,
    )
    before, after = _loss(model, x, y), _loss(model, got, y)
    expect(
        after > before,
        en="{call}: the judge's cross-entropy went from {before:.4f} on x to {after:.4f} on x_adv; FGSM ascends the loss.",
        pt="{call}: a entropia cruzada do corretor foi de {before:.4f} em x para {after:.4f} em x_adv; o FGSM sobe a perda.",
        call=ctx.student.last_function_call,
        before=before,
        after=after,
    )


@check("8.3", points=2, category="side-effects", requires=check_fgsm_matches_judge)
def check_fgsm_leaves_model_untouched(ctx: CheckContext) -> None:
    """Weights, .grad, requires_grad and the mode, with the model passed in eval and in train mode."""
    x, y = _test_digits(40)
    for train in (False, True):
        remote = ctx.student.put(digits_model().train(train))
        before = model_snapshot(remote)
        ctx.student.fgsm(remote, x, y, EPS)
        expect_model_untouched(remote, before)


@check("8.3", points=1, category="side-effects", requires=check_fgsm_matches_judge)
def check_fgsm_leaves_inputs_untouched(ctx: CheckContext) -> None:
    x, y = _test_digits(40)
    expect_inputs_untouched(ctx.student.fgsm, ctx.student.put(digits_model()), x, y, EPS)


def _judge_spc(model: nn.Module, x: torch.Tensor, scales: list[float]) -> np.ndarray:
    base = _predict(model, x)
    hits = [(_predict(model, (x * s).clamp(0.0, 1.0)) == base) for s in scales]
    return np.mean(np.stack(hits), axis=0)


@check("8.3", points=2, category="correctness")
def check_scaleup_matches_definition(ctx: CheckContext) -> None:
    """On clean and judge-FGSM digits, the score equals the fraction of scales keeping the prediction."""
    model = digits_model()
    x, y = _test_digits(100)
    batch = torch.cat([x, _judge_fgsm(model, x, y, EPS)])
    got = ctx.student.scaleup_consistency(ctx.student.put(model), batch, SCALES)
    expect_close(got, _judge_spc(model, batch, SCALES), what="the consistency scores", atol=1e-6)
    scores = np.asarray(got, dtype=np.float64)
    ctx.attach_table(
        Text(
            en=f"Your mean scaled-prediction consistency (scales {SCALES}) on the judge's digits",
            pt=f"Sua consistência média sob escala (escalas {SCALES}) nos dígitos do corretor",
        ),
        ["inputs", "mean score"],
        [
            ["100 clean digits", round(float(scores[:100].mean()), 4)],
            [f"100 FGSM digits (eps {EPS})", round(float(scores[100:].mean()), 4)],
        ],
    )


@check("8.3", points=1, category="correctness", requires=check_scaleup_matches_definition)
def check_scaleup_constant_model_scores_one(ctx: CheckContext) -> None:
    """A model whose prediction never changes (class 3 whatever the input) scores 1 everywhere."""
    layer = nn.Linear(64, 10)
    with torch.no_grad():
        layer.weight.zero_()
        layer.bias.copy_(torch.arange(10.0) == 3)
    x, _ = _test_digits(30)
    got = ctx.student.scaleup_consistency(ctx.student.put(layer.eval()), x, [0.5, 2.0, 7.0])
    expect_close(got, np.ones(30), what="the consistency scores", atol=1e-9)


@check("8.3", points=1, category="side-effects", requires=check_scaleup_matches_definition)
def check_scaleup_leaves_model_untouched(ctx: CheckContext) -> None:
    x, _ = _test_digits(30)
    remote = ctx.student.put(digits_model().train(True))
    before = model_snapshot(remote)
    ctx.student.scaleup_consistency(remote, x, SCALES)
    expect_model_untouched(remote, before)


@check("8.3", points=2, category="behaviour")
def check_tta_keeps_clean_accuracy(ctx: CheckContext) -> Any:
    """Clean accuracy with the defence (n = 8) within 0.05 of the model's own; the judge also
    reports accuracy under its FGSM with and without the defence."""
    model = digits_model()
    x, y = _test_digits()
    remote = ctx.student.put(model)
    labels = np.asarray(ctx.student.tta_predict(remote, x, 8, 0))
    call = ctx.student.last_function_call
    plain = float(np.mean(_predict(model, x) == y.numpy()))
    defended = float(np.mean(labels == y.numpy())) if labels.shape == (len(y),) else 0.0
    rows = [["clean", round(plain, 4), round(defended, 4)]]
    for eps in (0.05, EPS, 0.2):
        attacked = _judge_fgsm(model, x, y, eps)
        under = np.asarray(ctx.student.tta_predict(remote, attacked, 8, 0))
        robust = float(np.mean(under == y.numpy())) if under.shape == (len(y),) else 0.0
        rows.append(
            [
                f"judge FGSM eps {eps}",
                round(float(np.mean(_predict(model, attacked) == y.numpy())), 4),
                round(robust, 4),
            ]
        )
    ctx.attach_table(
        Text(
            en="Accuracy of the judge's digits MLP (200 test digits) without and with your test-time defence (n = 8)",
            pt="Acurácia do MLP de dígitos do corretor (200 dígitos de teste) sem e com a sua defesa no teste (n = 8)",
        ),
        ["inputs", "model alone", "with tta_predict"],
        rows,
    )
    return accuracy_partial(
        defended,
        full=plain - 0.05,
        zero=0.5,
        what=Text(
            en=f"the clean accuracy with your defence, against {plain:.3f} without it",
            pt=f"a acurácia limpa com a sua defesa, contra {plain:.3f} sem ela",
        ),
        context=call,
    )


@check("8.3", points=1, category="correctness", requires=check_tta_keeps_clean_accuracy)
def check_tta_deterministic(ctx: CheckContext) -> None:
    x, _ = _test_digits(100)
    expect_deterministic(ctx.student.tta_predict, ctx.student.put(digits_model()), x, 8, 4)


@check("8.3", points=1, category="side-effects", requires=check_tta_keeps_clean_accuracy)
def check_tta_leaves_model_untouched(ctx: CheckContext) -> None:
    x, _ = _test_digits(30)
    remote = ctx.student.put(digits_model())
    before = model_snapshot(remote)
    ctx.student.tta_predict(remote, x, 4, 0)
    expect_model_untouched(remote, before)


# ----------------------------------------------------------------------------- 8.4


def _attack_inputs() -> tuple[nn.Module, torch.Tensor, torch.Tensor]:
    """Clean digits and judge-FGSM digits (eps 0.2), so many predictions differ from the labels."""
    model = digits_model()
    x, y = _test_digits(100)
    return model, torch.cat([x, _judge_fgsm(model, x, y, 0.2)]), torch.cat([y, y])


@check("8.4", points=3, category="correctness")
def check_distilled_matches_judge(ctx: CheckContext) -> None:
    """Agreement with the judge's distilled FGSM (class-mean digits as distilled samples)."""
    model, x, y = _attack_inputs()
    got = ctx.student.fgsm_from_distilled(ctx.student.put(model), x, _distilled(), EPS)
    call = ctx.student.last_function_call
    expected = _judge_distilled_fgsm(model, x, EPS)
    share = _agreement(got, expected)
    expect(
        share >= 0.99,
        en="{call} on 100 clean and 100 FGSM-attacked digits (the judge's MLP; distilled = class means of the training digits): only {share:.1%} of the pixels agree with clamp(x + eps * sign(grad CE(model(x_c), c) at x_c), 0, 1), c the class predicted for x.",
        pt="{call} em 100 dígitos limpos e 100 atacados por FGSM (o MLP do corretor; destiladas = médias de classe dos dígitos de treino): só {share:.1%} dos pixels coincidem com clamp(x + eps * sinal(grad CE(model(x_c), c) em x_c), 0, 1), c a classe prevista para x.",
        call=call,
        share=share,
    )
    plain = _judge_fgsm(model, x[:100], y[:100], EPS)
    rows = [
        ["clean", round(float(np.mean(_predict(model, x[:100]) == y[:100].numpy())), 4)],
        [
            f"judge FGSM eps {EPS}",
            round(float(np.mean(_predict(model, plain) == y[:100].numpy())), 4),
        ],
    ]
    adversarial = torch.as_tensor(np.asarray(got, dtype=np.float32)[:100])
    rows.append(
        [
            f"your distilled FGSM eps {EPS}",
            round(float(np.mean(_predict(model, adversarial) == y[:100].numpy())), 4),
        ]
    )
    ctx.attach_table(
        Text(
            en="Accuracy of the judge's digits MLP on 100 test digits: clean, plain FGSM, distilled FGSM",
            pt="Acurácia do MLP de dígitos do corretor em 100 dígitos de teste: limpos, FGSM comum, FGSM destilado",
        ),
        ["inputs", "accuracy"],
        rows,
    )


@check("8.4", points=1, category="correctness", requires=check_distilled_matches_judge)
def check_distilled_same_step_per_predicted_class(ctx: CheckContext) -> None:
    """Rows predicted as the same class move by the same step wherever no clamp binds."""
    model, x, _ = _attack_inputs()
    got = np.asarray(
        ctx.student.fgsm_from_distilled(ctx.student.put(model), x, _distilled(), EPS), np.float64
    )
    steps = got - x.numpy()
    free = (x.numpy() >= EPS) & (x.numpy() <= 1.0 - EPS)
    predicted = _predict(model, x)
    for c in np.unique(predicted):
        rows = steps[predicted == c]
        mask = free[predicted == c]
        reference_row = rows[0]
        bad = (np.abs(rows - reference_row) > 1e-5) & mask & mask[0]
        expect(
            not bad.any(),
            en="{call}: rows predicted as class {c} should all move by the same step (the sign of the gradient at the class's distilled sample), but they differ in {count} unclamped pixels.",
            pt="{call}: linhas previstas como classe {c} deveriam todas se mover pelo mesmo passo (o sinal do gradiente na amostra destilada da classe), mas diferem em {count} pixels sem clamp.",
            call=ctx.student.last_function_call,
            c=int(c),
            count=int(bad.sum()),
        )


@check("8.4", points=2, category="leakage", requires=check_distilled_matches_judge)
def check_distilled_ignores_labels_elsewhere(ctx: CheckContext) -> None:
    """The output is the same after fgsm was called with the true labels or with shuffled ones
    (the only labels the judge hands the submission)."""
    model, x, y = _attack_inputs()
    remote = ctx.student.put(model)
    outputs = []
    for labels in (y, y[torch.from_numpy(np.random.default_rng(1).permutation(len(y)))]):
        ctx.student.fgsm(remote, x, labels, EPS)
        outputs.append(ctx.student.fgsm_from_distilled(remote, x, _distilled(), EPS))
    expect(
        first_difference(np.asarray(outputs[0]), np.asarray(outputs[1])) is None,
        en="{call} returned a different x_adv after fgsm had been called with shuffled labels: the distilled attack must use the predicted class, never labels it did not receive.",
        pt="{call} retornou outro x_adv depois que fgsm foi chamada com rótulos embaralhados: o ataque destilado deve usar a classe prevista, nunca rótulos que não recebeu.",
        call=ctx.student.last_function_call,
    )


@check("8.4", points=1, category="side-effects", requires=check_distilled_matches_judge)
def check_distilled_leaves_model_and_inputs_untouched(ctx: CheckContext) -> None:
    model, x, _ = _attack_inputs()
    remote = ctx.student.put(model.train(True))
    before = model_snapshot(remote)
    expect_inputs_untouched(ctx.student.fgsm_from_distilled, remote, x, _distilled(), EPS)
    expect_model_untouched(remote, before)


# END HIDDEN
