"""Grader for ch10_transfer (PCS 5022, chapter 10: transfer learning).

The judge ships its source-task backbone (``graders/fixtures/ch10_source_backbone.safetensors``:
an MLP with BatchNorm trained on the digits 0-4 with its own input normalisation, built by
``harness/fixtures/ch10_transfer.py``) into the worker and gives the student's functions target
tasks that differ from the source task (digits 5-9, parity, inverted digits 5-9), already
normalised with the backbone's statistics. Nothing the submission reports is taken on trust:
accuracy is measured by the judge on held-out target data (for a linear probe, with features from
the judge's own copy of the backbone), the backbone's parameters and BatchNorm buffers are compared
bit for bit before and after each call, and the history of 10.4 must end at the weights of the
model that was returned. Side-effect, history, shape and determinism checks are assessed only when the
function learned something (held-out accuracy on digits 5-9 above twice chance, measured by the
judge in the same check), so a function that learns nothing earns nothing there.
"""

from __future__ import annotations

import contextlib
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
    expect_shape,
    fail,
    rubric,
)

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=20.0, submission_budget_s=120.0)

# the contract is the reference's annotations: a Tensor for 10.1, nn.Module for the head and the
# models, (nn.Module, list[dict[str, Tensor]]) for 10.4

SEMANTIC_ERROR = rubric(
    "10.1",
    "semantic_error",
    2,
    Text(
        en="Which semantic error does the exercise's Keras code make (the target set is centred with its own mean, not with the preprocessing ResNet50 was trained with), why does it hurt transfer, and how is it fixed?",
        pt="Qual o erro semântico do código Keras do exercício (o conjunto alvo é centralizado com a própria média, não com o pré-processamento com que a ResNet50 foi treinada), por que ele prejudica a transferência, e como corrigi-lo?",
    ),
)
RESOLUTION_TRANSFER = rubric(
    "10.2",
    "resolution_transfer",
    2,
    Text(
        en="How can a CNN trained on 224x224 images be transferred to another resolution without rescaling the images (convolutions are resolution-independent; global pooling or a new head replaces the resolution-dependent part; fine-tuning for the change of scale)?",
        pt="Como transferir uma CNN treinada em imagens 224x224 para outra resolução sem reescalar as imagens (convoluções independem da resolução; pooling global ou uma cabeça nova substitui a parte que depende dela; fine-tuning para a mudança de escala)?",
    ),
)
TWO_PHASE_ADVANTAGE = rubric(
    "10.4",
    "two_phase_advantage",
    2,
    Text(
        en="Compared with training everything from the start, what does freezing the backbone while the new head is random buy (large random-head gradients would wreck the pre-trained features), and what did the experiment show?",
        pt="Comparado a treinar tudo desde o início, o que se ganha congelando o backbone enquanto a cabeça nova é aleatória (gradientes grandes de uma cabeça aleatória estragariam as características pré-treinadas), e o que o experimento mostrou?",
    ),
)
PROBE_VS_FINETUNE = rubric(
    "10.5",
    "probe_vs_finetune",
    2,
    Text(
        en="Interpret the table of the report: where does fine-tuning beat the linear probe by much, where by little, and what does it say about how general the backbone's representation is for each target task?",
        pt="Interprete a tabela do relatório: onde o fine-tuning supera muito o linear probe, onde pouco, e o que isso diz sobre quão geral é a representação do backbone para cada tarefa alvo?",
    ),
)

#: the public checks' backbone: the shipped architecture with seeded random weights
WIDTHS = (64, 64, 32)


def _random_backbone(seed: int = 10) -> nn.Sequential:
    """64 -> 64 -> BN -> ReLU -> 32 -> BN -> ReLU, weights from numpy's seeded generator."""
    rng = np.random.default_rng(seed)
    backbone = nn.Sequential(
        nn.Linear(WIDTHS[0], WIDTHS[1]),
        nn.BatchNorm1d(WIDTHS[1]),
        nn.ReLU(),
        nn.Linear(WIDTHS[1], WIDTHS[2]),
        nn.BatchNorm1d(WIDTHS[2]),
        nn.ReLU(),
    )
    with torch.no_grad():
        for module in backbone:
            if isinstance(module, nn.Linear):
                shape = tuple(module.weight.shape)
                module.weight.copy_(torch.from_numpy(rng.normal(0.0, shape[1] ** -0.5, shape)))
                module.bias.copy_(torch.from_numpy(rng.normal(0.0, 0.1, shape[0])))
    return backbone.eval()


def _features(backbone: nn.Module, X: torch.Tensor) -> torch.Tensor:
    """The judge's own eval-mode forward pass of its own backbone."""
    with torch.no_grad():
        return backbone.eval()(X)


def _small_task(ctx: CheckContext, n: int = 40, classes: int = 3) -> tuple[torch.Tensor, ...]:
    X = torch.from_numpy(ctx.rng.normal(size=(n, WIDTHS[0])).astype(np.float32))
    y = torch.from_numpy((np.arange(n) % classes).astype(np.int64))
    return X, y


def _outputs(model: Any, X: torch.Tensor, n_classes: int, call: str, what: Text) -> np.ndarray:
    """``model(X)`` run in the worker (eval mode where it has one), as an (n, n_classes) array."""
    with contextlib.suppress(Exception):  # a model without eval() is judged by its outputs
        model.call_method("eval")
    out = model(X)
    if not isinstance(out, torch.Tensor | np.ndarray):
        fail(
            en="{call}: calling the returned module on {what} gave {got}, not a tensor.",
            pt="{call}: chamar o módulo devolvido com {what} deu {got}, não um tensor.",
            call=call,
            what=what,
            got=type(out).__name__,
        )
    expect_shape(out, (len(X), n_classes), what=what, context=call)
    array = np.asarray(torch.as_tensor(out).detach().double().numpy())
    expect(
        bool(np.isfinite(array).all()),
        en="{call}: the logits for {what} contain NaN or inf.",
        pt="{call}: os logits para {what} contêm NaN ou inf.",
        call=call,
        what=what,
    )
    return array


@check("10.1", points=1, category="correctness", hidden=False)
def check_preprocess_small_example(ctx: CheckContext) -> None:
    """Three rows, given per-column statistics: (X - mean) / std."""
    X = ctx.rng.uniform(0.0, 1.0, size=(3, 64)).astype(np.float32)
    mean = np.linspace(0.1, 0.6, 64).astype(np.float32)
    std = np.linspace(0.2, 1.2, 64).astype(np.float32)
    got = ctx.student.preprocess_for_backbone(X, mean, std)
    expect_close(got, (X - mean) / std, what="the preprocessed rows", atol=1e-5)


@check("10.3", points=1, category="shape", hidden=False)
def check_probe_head_shape(ctx: CheckContext) -> None:
    """The returned head maps the backbone's 32 features to n_classes logits."""
    X, y = _small_task(ctx)
    backbone = _random_backbone()
    head = ctx.student.linear_probe(backbone, X, y, 3, 2, 0)
    call = ctx.student.last_function_call
    features = _features(_random_backbone(), X)
    what = Text(
        en="the head's output for the backbone's features (40, 32)",
        pt="a saída da cabeça para as características do backbone (40, 32)",
    )
    _outputs(head, features, 3, call, what)


@check("10.4", points=1, category="shape", hidden=False)
def check_two_phase_shapes(ctx: CheckContext) -> None:
    """A model giving (n, n_classes) logits and one backbone state_dict per epoch."""
    X, y = _small_task(ctx)
    model, history = ctx.student.fine_tune_two_phase(_random_backbone(), X, y, 3, 1, 2, 0)
    call = ctx.student.last_function_call
    what = Text(en="the model's output for X (40, 64)", pt="a saída do modelo para X (40, 64)")
    _outputs(model, X, 3, call, what)
    keys = sorted(_random_backbone().state_dict())
    expect(
        isinstance(history, list)
        and len(history) == 3
        and all(isinstance(h, dict) and sorted(h) == keys for h in history),
        en="{call}: history should hold 3 entries (1 frozen + 2 unfrozen epochs), each a state_dict of the backbone with the keys {keys}; got {got}.",
        pt="{call}: history deveria ter 3 entradas (1 época congelada + 2 descongeladas), cada uma um state_dict do backbone com as chaves {keys}; obteve {got}.",
        call=call,
        keys=keys,
        got=_describe_history(history),
    )


@check("10.5", points=1, category="shape", hidden=False)
def check_fine_tune_shape(ctx: CheckContext) -> None:
    """The fine-tuned model maps (n, 64) inputs to (n, n_classes) logits."""
    X, y = _small_task(ctx)
    model = ctx.student.fine_tune(_random_backbone(), X, y, 3, 2, 0)
    call = ctx.student.last_function_call
    what = Text(en="the model's output for X (40, 64)", pt="a saída do modelo para X (40, 64)")
    _outputs(model, X, 3, call, what)


def _describe_history(history: Any) -> str:
    if not isinstance(history, list):
        return type(history).__name__
    kinds = [sorted(h)[:8] if isinstance(h, dict) else type(h).__name__ for h in history[:2]]
    return f"a list of {len(history)} entries, starting with {kinds}"


# BEGIN HIDDEN
from harness.checks import (  # noqa: E402
    Partial,
    accuracy_partial,
    assess_only_if,
    digits,
    expect_deterministic,
    expect_inputs_untouched,
    expect_model_untouched,
    model_snapshot,
)
from harness.fixtures.ch10_transfer import source_backbone, source_normalisation  # noqa: E402

#: training rows per target task, epochs of each method
N_TRAIN = 300
PROBE_EPOCHS = 10
FROZEN_EPOCHS, UNFROZEN_EPOCHS = 3, 5
FINE_TUNE_EPOCHS = 8
#: full accuracy points within this of the reference's accuracy on the same task; none at
#: ZERO_GAP below it (never below chance + 0.1)
MARGIN, ZERO_GAP = 0.05, 0.3

TASKS = {
    "digits 5-9": Text(en="digits 5-9 (labels 0-4)", pt="dígitos 5-9 (rótulos 0-4)"),
    "parity": Text(en="parity of the digit (2 classes)", pt="paridade do dígito (2 classes)"),
    "inverted 5-9": Text(
        en="digits 5-9 with inverted pixels (1 - x)", pt="dígitos 5-9 com pixels invertidos (1 - x)"
    ),
}


def _normalise(X: np.ndarray) -> torch.Tensor:
    mean, std = source_normalisation()
    return torch.from_numpy(((X - mean) / std).astype(np.float32))


def _target(task: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor, int]:
    """(X_train, y_train, X_test, y_test, n_classes) of a target task, normalised for the
    backbone; the test rows come from the judge's held-out split."""
    data = digits()
    parts = []
    for X, y in ((data.X_train, data.y_train), (data.X_test, data.y_test)):
        X, y = np.array(X, dtype=np.float64), np.array(y)
        if task == "parity":
            y = y % 2
        else:
            keep = y >= 5
            X, y = X[keep], y[keep] - 5
            if task == "inverted 5-9":
                X = 1.0 - X
        parts.append((_normalise(X), torch.from_numpy(y.astype(np.int64))))
    (X_train, y_train), (X_test, y_test) = parts
    n_classes = int(y_train.max()) + 1
    return X_train[:N_TRAIN], y_train[:N_TRAIN], X_test, y_test, n_classes


def _accuracy(logits: np.ndarray, y: torch.Tensor) -> float:
    return float((logits.argmax(axis=1) == y.numpy()).mean())


def _bar(reference: float, n_classes: int) -> tuple[float, float]:
    """(full, zero) of accuracy_partial around the reference's accuracy."""
    zero = max(reference - ZERO_GAP, 1.0 / n_classes + 0.1)
    return max(reference - MARGIN, zero + 0.01), zero


def _probe_accuracy(remote: Any, task: str, seed: int = 0) -> tuple[float, str]:
    """Train a linear probe through ``remote`` (student or reference) on the source backbone and
    measure it: the judge's own backbone copy gives the features, the head gives the logits."""
    X_train, y_train, X_test, y_test, n_classes = _target(task)
    head = remote.linear_probe(source_backbone(), X_train, y_train, n_classes, PROBE_EPOCHS, seed)
    call = remote.last_function_call
    what = Text(
        en=f"the head's output for the judge's backbone features of the {len(X_test)} held-out rows",
        pt=f"a saída da cabeça para as características do backbone do corretor das {len(X_test)} linhas não vistas",
    )
    logits = _outputs(head, _features(source_backbone(), X_test), n_classes, call, what)
    return _accuracy(logits, y_test), call


def _model_accuracy(model: Any, task: str, call: str) -> float:
    _, _, X_test, y_test, n_classes = _target(task)
    what = Text(
        en=f"the model's output for the {len(X_test)} held-out rows",
        pt=f"a saída do modelo para as {len(X_test)} linhas não vistas",
    )
    return _accuracy(_outputs(model, X_test, n_classes, call, what), y_test)


def _two_phase(remote: Any, backbone: Any = None, seed: int = 0) -> tuple[Any, Any, str]:
    X_train, y_train, _, _, n_classes = _target("digits 5-9")
    model, history = remote.fine_tune_two_phase(
        source_backbone() if backbone is None else backbone,
        X_train,
        y_train,
        n_classes,
        FROZEN_EPOCHS,
        UNFROZEN_EPOCHS,
        seed,
    )
    return model, history, remote.last_function_call


def _fine_tune(remote: Any, task: str, backbone: Any = None) -> tuple[Any, str]:
    X_train, y_train, _, _, n_classes = _target(task)
    model = remote.fine_tune(
        source_backbone() if backbone is None else backbone,
        X_train,
        y_train,
        n_classes,
        FINE_TUNE_EPOCHS,
        0,
    )
    return model, remote.last_function_call


def _near_reference(score: float, reference: float, n_classes: int, what: Text) -> Partial | None:
    full, zero = _bar(reference, n_classes)
    return accuracy_partial(
        score,
        full=full,
        zero=zero,
        what=what
        + Text(
            en=f" (the reference solution reaches {reference:.3f}; full points within {MARGIN} of it)",
            pt=f" (a solução de referência atinge {reference:.3f}; nota cheia até {MARGIN} abaixo dela)",
        ),
    )


#: accuracy (twice chance on the 5-class tasks) below which a function learned nothing, and its
#: invariance, side-effect and history properties are not assessed
LEARNED = 0.4


def _assess_learned(score: float, call: str) -> None:
    assess_only_if(
        score > LEARNED,
        en="{call}: the judge measured a held-out accuracy of {score:.3f} on digits 5-9 (chance is 0.20), so nothing was learned and this property is not assessed.",
        pt="{call}: o corretor mediu acurácia {score:.3f} em dígitos 5-9 não vistos (o acaso é 0.20), então nada foi aprendido e esta propriedade não é avaliada.",
        call=call,
        score=score,
    )


def _head_accuracy(head: Any, call: str) -> float:
    """Accuracy on held-out digits 5-9 of the judge's backbone followed by ``head``."""
    _, _, X_test, y_test, n_classes = _target("digits 5-9")
    what = Text(
        en="the head's output for the judge's backbone features of the held-out rows",
        pt="a saída da cabeça para as características do backbone do corretor das linhas não vistas",
    )
    logits = _outputs(head, _features(source_backbone(), X_test), n_classes, call, what)
    return _accuracy(logits, y_test)


def _same(a: Any, b: Any) -> bool:
    return (
        isinstance(a, torch.Tensor)
        and isinstance(b, torch.Tensor)
        and a.shape == b.shape
        and a.dtype == b.dtype
        and bool(torch.equal(a, b))
    )


def _differs_in_parameters(state: dict[str, Any], previous: dict[str, Any]) -> bool:
    """Some Linear weight of the backbone differs (values compared as float64)."""
    for key in ("0.weight", "3.weight"):
        a, b = state.get(key), previous.get(key)
        if not isinstance(a, torch.Tensor) or not isinstance(b, torch.Tensor):
            return False
        if a.shape == b.shape and not torch.equal(a.double(), b.double()):
            return True
    return False


def _found_in(model_state: Any, key: str, value: torch.Tensor) -> bool:
    """The model's state_dict holds ``value`` under ``key`` or under a key ending in ``.key``."""
    if not isinstance(model_state, dict):
        return False
    return any(
        (k == key or str(k).endswith("." + key)) and _same(v, value) for k, v in model_state.items()
    )


def _backbone_in_model(model_state: Any, key: str) -> list[torch.Tensor]:
    if not isinstance(model_state, dict):
        return []
    return [
        v
        for k, v in model_state.items()
        if (k == key or str(k).endswith("." + key)) and isinstance(v, torch.Tensor)
    ]


# ---------------------------------------------------------------------------------------------
# 10.1


def _shifted_target(ctx: CheckContext) -> np.ndarray:
    """Held-out digits 5-9 with their statistics shifted away from the source's."""
    data = digits()
    X = np.array(data.X_test[np.array(data.y_test) >= 5][:60], dtype=np.float32)
    return (0.6 * X + 0.3 + 0.05 * ctx.rng.normal(size=X.shape)).astype(np.float32)


@check("10.1", points=2, category="correctness")
def check_preprocess_uses_backbone_statistics(ctx: CheckContext) -> None:
    """A target set whose own statistics differ: (X - backbone_mean) / backbone_std."""
    X = _shifted_target(ctx)
    mean, std = source_normalisation()
    got = ctx.student.preprocess_for_backbone(X, mean, std)
    expect_close(
        got,
        (X.astype(np.float64) - mean) / std,
        what=Text(
            en="the preprocessed target rows (60 held-out digits whose own mean and std differ from the backbone's: use the backbone's statistics, not the target set's)",
            pt="as linhas alvo pré-processadas (60 dígitos não vistos cujas média e desvio diferem dos do backbone: use as estatísticas do backbone, não as do conjunto alvo)",
        ),
        atol=1e-4,
    )


@check("10.1", points=2, category="leakage", requires=check_preprocess_uses_backbone_statistics)
def check_preprocess_rows_independent_of_target_set(ctx: CheckContext) -> None:
    """Each row's output is the same alone, in its set, and in a set with other statistics."""
    X = _shifted_target(ctx)
    mean, std = source_normalisation()
    alone = ctx.student.preprocess_for_backbone(X[:5], mean, std)
    others = np.concatenate([X[:5], 3.0 * X[5:] + 2.0]).astype(np.float32)
    mixed = ctx.student.preprocess_for_backbone(others, mean, std)
    call = ctx.student.last_function_call
    expect_close(
        torch.as_tensor(mixed)[:5],
        alone,
        what=Text(
            en="the output of the first 5 rows when 55 rows with very different statistics are added (it must equal their output alone)",
            pt="a saída das 5 primeiras linhas quando 55 linhas com estatísticas bem diferentes são acrescentadas (deve ser igual à saída delas sozinhas)",
        ),
        atol=1e-5,
        context=call,
    )


@check(
    "10.1", points=1, category="side-effects", requires=check_preprocess_uses_backbone_statistics
)
def check_preprocess_leaves_inputs_untouched(ctx: CheckContext) -> None:
    mean, std = source_normalisation()
    expect_inputs_untouched(ctx.student.preprocess_for_backbone, _shifted_target(ctx), mean, std)


# ---------------------------------------------------------------------------------------------
# 10.3


@check("10.3", points=3, category="behaviour")
def check_probe_accuracy_near_reference(ctx: CheckContext) -> Partial | None:
    """The judge composes its backbone copy with the returned head on held-out digits 5-9."""
    score, _ = _probe_accuracy(ctx.student, "digits 5-9")
    reference, _ = _probe_accuracy(ctx.reference, "digits 5-9")
    return _near_reference(
        score,
        reference,
        5,
        Text(
            en="the held-out accuracy on digits 5-9 of the judge's backbone followed by your head",
            pt="a acurácia em dígitos 5-9 não vistos do backbone do corretor seguido da sua cabeça",
        ),
    )


@check("10.3", points=2, category="side-effects")
def check_probe_leaves_backbone_untouched(ctx: CheckContext) -> None:
    """Parameters and BatchNorm running statistics bit for bit (train mode would move them)."""
    X_train, y_train, _, _, n_classes = _target("digits 5-9")
    backbone = ctx.student.put(source_backbone())
    before = model_snapshot(backbone)
    head = ctx.student.linear_probe(backbone, X_train, y_train, n_classes, PROBE_EPOCHS, 0)
    call = ctx.student.last_function_call
    _assess_learned(_head_accuracy(head, call), call)
    expect_model_untouched(backbone, before, context=call, modes=False, hooks=False, flags=False)


@check("10.3", points=1, category="shape")
def check_probe_output_size_follows_n_classes(ctx: CheckContext) -> None:
    """A 2-class target task (parity) gets a 2-output head (once the 5-class head learns)."""
    X_train, y_train, _, _, n_classes = _target("digits 5-9")
    head = ctx.student.linear_probe(source_backbone(), X_train, y_train, n_classes, PROBE_EPOCHS, 0)
    call = ctx.student.last_function_call
    _assess_learned(_head_accuracy(head, call), call)
    _probe_accuracy(ctx.student, "parity")


@check("10.3", points=1, category="correctness")
def check_probe_head_is_linear(ctx: CheckContext) -> None:
    """head(a f1 + (1 - a) f2) = a head(f1) + (1 - a) head(f2): a linear probe is affine."""
    X_train, y_train, _, _, n_classes = _target("digits 5-9")
    head = ctx.student.linear_probe(source_backbone(), X_train, y_train, n_classes, PROBE_EPOCHS, 0)
    call = ctx.student.last_function_call
    _assess_learned(_head_accuracy(head, call), call)
    f1, f2 = (
        torch.from_numpy(ctx.rng.uniform(0.0, 3.0, size=(8, WIDTHS[2])).astype(np.float32))
        for _ in range(2)
    )
    what = Text(en="the head's output for features (8, 32)", pt="a saída da cabeça para (8, 32)")
    o1, o2, o_mix = (
        _outputs(head, f, n_classes, call, what) for f in (f1, f2, 0.3 * f1 + 0.7 * f2)
    )
    expect_close(
        o_mix,
        0.3 * o1 + 0.7 * o2,
        what=Text(
            en="head(0.3 f1 + 0.7 f2) compared with 0.3 head(f1) + 0.7 head(f2) (a linear probe is one affine layer on the frozen features, no hidden layer)",
            pt="head(0.3 f1 + 0.7 f2) comparado a 0.3 head(f1) + 0.7 head(f2) (um linear probe é uma camada afim sobre as características congeladas, sem camada oculta)",
        ),
        atol=1e-3,
        context=call,
    )


@check("10.3", points=1, category="correctness")
def check_probe_deterministic(ctx: CheckContext) -> None:
    """The same seed gives the same head (compared by state_dict)."""
    X_train, y_train, _, _, n_classes = _target("digits 5-9")
    head = expect_deterministic(
        ctx.student.linear_probe, source_backbone(), X_train, y_train, n_classes, PROBE_EPOCHS, 7
    )
    call = ctx.student.last_function_call
    _assess_learned(_head_accuracy(head, call), call)


# ---------------------------------------------------------------------------------------------
# 10.4


@check("10.4", points=2, category="behaviour")
def check_two_phase_accuracy_near_reference(ctx: CheckContext) -> Partial | None:
    model, _, call = _two_phase(ctx.student)
    score = _model_accuracy(model, "digits 5-9", call)
    reference_model, _, reference_call = _two_phase(ctx.reference)
    reference = _model_accuracy(reference_model, "digits 5-9", reference_call)
    return _near_reference(
        score,
        reference,
        5,
        Text(
            en=f"the held-out accuracy on digits 5-9 of the returned model ({FROZEN_EPOCHS} frozen + {UNFROZEN_EPOCHS} unfrozen epochs)",
            pt=f"a acurácia em dígitos 5-9 não vistos do modelo devolvido ({FROZEN_EPOCHS} épocas congeladas + {UNFROZEN_EPOCHS} descongeladas)",
        ),
    )


def _history(ctx: CheckContext) -> tuple[Any, list[dict[str, Any]], str]:
    model, history, call = _two_phase(ctx.student)
    _assess_learned(_model_accuracy(model, "digits 5-9", call), call)
    keys = sorted(source_backbone().state_dict())
    expect(
        isinstance(history, list)
        and len(history) == FROZEN_EPOCHS + UNFROZEN_EPOCHS
        and all(isinstance(h, dict) and sorted(h) == keys for h in history),
        en="{call}: history should hold {n} entries (one per epoch), each a state_dict of the backbone with the keys {keys}; got {got}.",
        pt="{call}: history deveria ter {n} entradas (uma por época), cada uma um state_dict do backbone com as chaves {keys}; obteve {got}.",
        call=call,
        n=FROZEN_EPOCHS + UNFROZEN_EPOCHS,
        keys=keys,
        got=_describe_history(history),
    )
    return model, history, call


@check("10.4", points=2, category="correctness")
def check_two_phase_frozen_history_is_initial_backbone(ctx: CheckContext) -> None:
    """After each frozen epoch the backbone (parameters and BN buffers) is the initial one."""
    _, history, call = _history(ctx)
    initial = source_backbone().state_dict()
    for epoch in range(FROZEN_EPOCHS):
        changed = sorted(k for k in initial if not _same(history[epoch][k], initial[k]))
        expect(
            not changed,
            en="{call}: history[{epoch}] (frozen epoch {number} of {frozen}) differs from the initial backbone in {changed}; while frozen, neither the parameters nor the BatchNorm running statistics may change (keep the backbone in eval mode, requires_grad False), and each entry must be a copy taken at the end of its epoch.",
            pt="{call}: history[{epoch}] (época congelada {number} de {frozen}) difere do backbone inicial em {changed}; enquanto congelado, nem os parâmetros nem as estatísticas da BatchNorm podem mudar (backbone em modo eval, requires_grad False), e cada entrada deve ser uma cópia feita ao fim da sua época.",
            call=call,
            epoch=epoch,
            number=epoch + 1,
            frozen=FROZEN_EPOCHS,
            changed=changed[:6],
        )


@check("10.4", points=2, category="correctness")
def check_two_phase_history_changes_after_unfreezing(ctx: CheckContext) -> None:
    """Every unfrozen epoch changes the backbone's weights (distinct snapshots, not aliases)."""
    _, history, call = _history(ctx)
    previous = source_backbone().state_dict()
    for epoch in range(FROZEN_EPOCHS, FROZEN_EPOCHS + UNFROZEN_EPOCHS):
        expect(
            _differs_in_parameters(history[epoch], previous),
            en="{call}: the backbone's Linear weights in history[{epoch}] (unfrozen epoch {number}) are the same as {before}; after unfreezing, every epoch must train the backbone too, and each entry must be a new copy (e.g. {{k: v.clone() for k, v in backbone.state_dict().items()}}), not the same live state_dict.",
            pt="{call}: os pesos das Linear do backbone em history[{epoch}] (época descongelada {number}) são iguais a {before}; depois de descongelar, toda época deve treinar também o backbone, e cada entrada deve ser uma cópia nova (ex.: {{k: v.clone() for k, v in backbone.state_dict().items()}}), não o mesmo state_dict vivo.",
            call=call,
            epoch=epoch,
            number=epoch - FROZEN_EPOCHS + 1,
            before=(
                "the initial backbone's" if epoch == FROZEN_EPOCHS else f"history[{epoch - 1}]"
            ),
        )
        previous = history[epoch]


@check("10.4", points=1, category="correctness")
def check_two_phase_history_ends_at_returned_model(ctx: CheckContext) -> None:
    """history[-1] is the returned model's backbone: the history is not just self-reported."""
    model, history, call = _history(ctx)
    returned_state = model.state_dict()
    missing = sorted(k for k, v in history[-1].items() if not _found_in(returned_state, k, v))
    expect(
        not missing,
        en="{call}: the last history entry should be the backbone of the returned model, but the model's state_dict holds no tensor equal to history[-1][k] under a key ending in k for k in {missing}.",
        pt="{call}: a última entrada de history deveria ser o backbone do modelo devolvido, mas o state_dict do modelo não tem tensor igual a history[-1][k] sob uma chave terminada em k para k em {missing}.",
        call=call,
        missing=missing[:6],
    )


@check("10.4", points=2, category="side-effects")
def check_two_phase_leaves_backbone_untouched(ctx: CheckContext) -> None:
    """The given backbone object keeps its weights, buffers and requires_grad (work on a copy)."""
    backbone = ctx.student.put(source_backbone())
    before = model_snapshot(backbone)
    model, _, call = _two_phase(ctx.student, backbone)
    _assess_learned(_model_accuracy(model, "digits 5-9", call), call)
    expect_model_untouched(backbone, before, context=call, modes=False, hooks=False)


# ---------------------------------------------------------------------------------------------
# 10.5


@check("10.5", points=3, category="behaviour")
def check_fine_tune_accuracy_near_reference(ctx: CheckContext) -> Partial | None:
    """Held-out accuracy on three target tasks, against the reference; the report gets a table
    with the linear probe's accuracy next to it (the probe does not count here)."""
    rows, fractions, messages = [], [], []
    for task, label in TASKS.items():
        model, call = _fine_tune(ctx.student, task)
        score = _model_accuracy(model, task, call)
        reference_model, reference_call = _fine_tune(ctx.reference, task)
        reference = _model_accuracy(reference_model, task, reference_call)
        try:
            probe: float | None = _probe_accuracy(ctx.student, task)[0]
        except Exception:  # the table shows what the probe could not give
            probe = None
        reference_probe = _probe_accuracy(ctx.reference, task)[0]
        rows.append([label.en, score, probe, reference, reference_probe])
        n_classes = _target(task)[4]
        full, zero = _bar(reference, n_classes)
        fractions.append(min(1.0, max(0.0, (score - zero) / (full - zero))))
        if score < full:
            messages.append(
                f"{call}: {label.en}: {score:.3f} (reference {reference:.3f}, full points from {full:.3f})"
            )
    ctx.attach_table(
        Text(
            en="Held-out accuracy: fine-tuning vs linear probing (measured by the judge)",
            pt="Acurácia em dados não vistos: fine-tuning vs linear probing (medida pelo corretor)",
        ),
        [
            "target task",
            "your fine_tune",
            "your linear_probe",
            "reference fine_tune",
            "reference linear_probe",
        ],
        rows,
    )
    share = sum(fractions) / len(fractions)
    if share >= 1.0:
        return None
    text = Text.same("; ".join(messages))
    if share <= 0.0:
        fail(text)
    return Partial(share, text)


@check("10.5", points=1, category="correctness")
def check_fine_tune_trains_backbone(ctx: CheckContext) -> None:
    """End to end: the returned model holds the backbone, and its Linear weights moved."""
    model, call = _fine_tune(ctx.student, "digits 5-9")
    _assess_learned(_model_accuracy(model, "digits 5-9", call), call)
    returned_state = model.state_dict()
    initial = source_backbone().state_dict()
    found = {k: _backbone_in_model(returned_state, k) for k in ("0.weight", "3.weight")}
    expect(
        all(found.values()),
        en="{call}: the returned model's state_dict should contain the backbone (keys ending in 0.weight and 3.weight, e.g. 0.0.weight or backbone.0.weight); got the keys {keys}.",
        pt="{call}: o state_dict do modelo devolvido deveria conter o backbone (chaves terminadas em 0.weight e 3.weight, ex.: 0.0.weight ou backbone.0.weight); obteve as chaves {keys}.",
        call=call,
        keys=sorted(map(str, returned_state))[:12]
        if isinstance(returned_state, dict)
        else type(returned_state).__name__,
    )
    moved = any(
        v.shape == initial[k].shape and not torch.equal(v.double(), initial[k].double())
        for k, tensors in found.items()
        for v in tensors
    )
    expect(
        moved,
        en="{call}: the backbone's Linear weights in the returned model are the initial ones; end-to-end fine-tuning trains the backbone together with the head.",
        pt="{call}: os pesos das Linear do backbone no modelo devolvido são os iniciais; fine-tuning de ponta a ponta treina o backbone junto com a cabeça.",
        call=call,
    )


@check("10.5", points=2, category="side-effects")
def check_fine_tune_leaves_backbone_untouched(ctx: CheckContext) -> None:
    """The given backbone object keeps its weights, buffers and requires_grad (work on a copy)."""
    backbone = ctx.student.put(source_backbone())
    before = model_snapshot(backbone)
    model, call = _fine_tune(ctx.student, "digits 5-9", backbone)
    _assess_learned(_model_accuracy(model, "digits 5-9", call), call)
    expect_model_untouched(backbone, before, context=call, modes=False, hooks=False)


# END HIDDEN
