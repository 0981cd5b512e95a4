# Public checks for ch10_transfer, released by `grade release` (do not edit).
# Run them with:  grade check ch10_transfer ch10_transfer.py
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
