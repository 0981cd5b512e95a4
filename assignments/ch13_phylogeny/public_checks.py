# Public checks for ch13_phylogeny, released by `grade release` (do not edit).
# Run them with:  grade check ch13_phylogeny ch13_phylogeny.py
"""Grader for ch13_phylogeny (PCS 5022, chapter 13: neural phylogeny).

The judge generates the model families itself, at grading time, in its own process (numpy SGD
on tiny MLPs, seeded, cached per grading, well under a second): a root at PyTorch's default
initialisation, children fine-tuned from it for 15-25 SGD steps on new synthetic tasks,
grandchildren (and great-grandchildren) fine-tuned from them. The public checks use a tiny family
the statement describes (``_family``, shipped in public_checks.py); the hidden checks use other
seeds, family shapes and depths, several families mixed and shuffled. The true tree is known by
construction, so nothing the submission says is trusted: the judge compares its answers with the
tree. Invariance (candidate order, model order), side-effect and determinism checks and the
structural checks of 13.2 (roots, direction, cycles) require the parent-accuracy check of their
function, so a constant answer earns nothing there.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from harness.checks import (
    CheckContext,
    GraderSettings,
    Text,
    check,
    expect,
    rubric,
)

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=20.0, submission_budget_s=120.0)

# the contract is the reference's annotations: find_parent -> int, build_phylogeny -> a list of
# int or None

EXPERIMENTAL_SETUP = rubric(
    "13.1",
    "experimental_setup",
    2,
    Text(
        en="An experimental setup to study neural phylogeny with small models and synthetic data: how families are generated (independent roots, fine-tuning on new tasks, known tree), which variables are varied (steps, learning rate, task similarity, depth, size) and which metrics are measured over seeds.",
        pt="Um setup experimental para estudar filogenia neural com modelos pequenos e dados sintéticos: como as famílias são geradas (raízes independentes, ajuste em tarefas novas, árvore conhecida), que variáveis são variadas (passos, taxa, semelhança entre tarefas, profundidade, tamanho) e que métricas são medidas sobre sementes.",
    ),
)
DETECTION_METHOD = rubric(
    "13.2",
    "detection_method",
    2,
    Text(
        en="The proposed detection method: why the parent is near in weight space, how families are separated, how the direction (root, parent vs child) is decided (e.g. distance to a fake initialisation), and when the method fails.",
        pt="O método de detecção proposto: por que o pai está perto no espaço de pesos, como as famílias são separadas, como a direção (raiz, pai vs filho) é decidida (ex.: distância a uma inicialização falsa), e quando o método falha.",
    ),
)

#: the statement's protocol: architecture, fine-tuning steps, learning rate, task size
IN_FEATURES, HIDDEN, CLASSES = 16, 32, 4
STEPS, LEARNING_RATE, TASK_ROWS, TASK_SHIFT = (15, 25), 0.1, 128, 2.0


def _initial(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """PyTorch's default Linear initialisation, U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    state = {}
    for name, (rows, fan_in) in (("0", (HIDDEN, IN_FEATURES)), ("2", (CLASSES, HIDDEN))):
        bound = fan_in**-0.5
        state[f"{name}.weight"] = rng.uniform(-bound, bound, (rows, fan_in))
        state[f"{name}.bias"] = rng.uniform(-bound, bound, rows)
    return state


def _fine_tune(state: dict[str, np.ndarray], rng: np.random.Generator) -> dict[str, np.ndarray]:
    """15-25 full-batch SGD steps (cross-entropy) on a new task: shifted Gaussian inputs, labels
    from a random linear teacher."""
    shift = rng.normal(size=IN_FEATURES) * TASK_SHIFT
    X = rng.normal(size=(TASK_ROWS, IN_FEATURES)) + shift
    Y = np.eye(CLASSES)[((X - shift) @ rng.normal(size=(IN_FEATURES, CLASSES))).argmax(axis=1)]
    W1, b1, W2, b2 = (state[k].copy() for k in ("0.weight", "0.bias", "2.weight", "2.bias"))
    for _ in range(int(rng.integers(STEPS[0], STEPS[1] + 1))):
        z = X @ W1.T + b1
        h = np.maximum(z, 0.0)
        logits = h @ W2.T + b2
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        g_logits = (p - Y) / TASK_ROWS
        g_z = (g_logits @ W2) * (z > 0)
        W2 -= LEARNING_RATE * g_logits.T @ h
        b2 -= LEARNING_RATE * g_logits.sum(axis=0)
        W1 -= LEARNING_RATE * g_z.T @ X
        b1 -= LEARNING_RATE * g_z.sum(axis=0)
    return {"0.weight": W1, "0.bias": b1, "2.weight": W2, "2.bias": b2}


def _family(seed: int, branching: tuple[int, ...]) -> tuple[list[dict[str, Any]], list[int | None]]:
    """(state_dicts, parents): a root, ``branching[0]`` children, each with ``branching[1]``
    children, and so on; parents[i] is the index of model i's parent (None for the root)."""
    rng = np.random.default_rng(seed)
    states, parents = [_initial(rng)], [None]
    generation = [0]
    for width in branching:
        next_generation = []
        for parent in generation:
            for _ in range(width):
                states.append(_fine_tune(states[parent], rng))
                parents.append(parent)
                next_generation.append(len(states) - 1)
        generation = next_generation
    tensors = [{k: torch.from_numpy(v.astype(np.float32)) for k, v in s.items()} for s in states]
    return tensors, parents


@check("13.1", points=1, category="correctness", hidden=False)
def check_find_parent_small_family(ctx: CheckContext) -> None:
    """A root with two children, plus another family's root: the parent of child 1 is the root."""
    states, _ = _family(0, (2,))
    other, _ = _family(1, ())
    got = ctx.student.find_parent(states[1], [states[2], states[0], other[0]])
    expect(
        got == 1,
        en="{call}: the candidates are [the child's sibling, its parent (the root), another family's root]; expected 1, got {got}.",
        pt="{call}: os candidatos são [o irmão do filho, seu pai (a raiz), a raiz de outra família]; esperava 1, obteve {got}.",
        call=ctx.student.last_call,
        got=got,
    )


@check("13.2", points=1, category="correctness", hidden=False)
def check_build_phylogeny_small_family(ctx: CheckContext) -> None:
    """[child 1, root, grandchild (of child 1), another root, child 2] -> [1, None, 0, None, 1]."""
    states, _ = _family(0, (2, 1))  # root 0, children 1 and 2, grandchildren 3 (of 1), 4 (of 2)
    other, _ = _family(1, ())
    got = ctx.student.build_phylogeny([states[1], states[0], states[3], other[0], states[2]])
    expect(
        got == [1, None, 0, None, 1],
        en="{call}: the models are [child 1, root, grandchild (child of child 1), the root of another family, child 2]; expected [1, None, 0, None, 1], got {got}.",
        pt="{call}: os modelos são [filho 1, raiz, neto (filho do filho 1), a raiz de outra família, filho 2]; esperava [1, None, 0, None, 1], obteve {got}.",
        call=ctx.student.last_call,
        got=got,
    )
