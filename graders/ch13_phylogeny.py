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


# BEGIN HIDDEN
import functools  # noqa: E402

from harness.checks import (  # noqa: E402
    Partial,
    accuracy_partial,
    expect_deterministic,
    expect_inputs_untouched,
)

#: full points at or above this fraction of correct parents, none at or below the floor (chance
#: is about 1/30 with these sets)
FULL_ACCURACY, ZERO_ACCURACY = 0.9, 0.3


@functools.cache
def _mixed(seeds: tuple[int, ...], shapes: tuple[tuple[int, ...], ...], order_seed: int) -> tuple:
    """Several families mixed and shuffled: (states, parents, number of families)."""
    states: list[dict[str, Any]] = []
    parents: list[int | None] = []
    for seed, shape in zip(seeds, shapes):
        family, family_parents = _family(seed, shape)
        offset = len(states)
        states += family
        parents += [None if p is None else p + offset for p in family_parents]
    order = np.random.default_rng(order_seed).permutation(len(states))
    position = {int(old): new for new, old in enumerate(order)}
    shuffled = [states[int(old)] for old in order]
    mapped = [None if parents[int(o)] is None else position[parents[int(o)]] for o in order]
    return shuffled, mapped, len(seeds)


def _find_set() -> tuple:
    return _mixed((1301, 1302, 1303), ((3, 1), (2, 1, 1), (2, 2)), 13)


def _phylogeny_set() -> tuple:
    return _mixed((2301, 2302, 2303, 2304), ((3, 2), (2, 1, 1), (4,), (2, 2)), 23)


def _descendants(parents: list[int | None], i: int) -> set[int]:
    found, frontier = set(), {i}
    while frontier:
        frontier = {c for c, p in enumerate(parents) if p in frontier} - found
        found |= frontier
    return found


def _candidates(ctx: CheckContext, states: list, parents: list, i: int) -> tuple[list[int], int]:
    """Every model but i and its descendants, in a judge-shuffled order; and where the parent is."""
    pool = [j for j in range(len(states)) if j != i and j not in _descendants(parents, i)]
    order = [pool[k] for k in ctx.rng.permutation(len(pool))]
    return order, order.index(parents[i])


def _copy(state: dict[str, Any]) -> dict[str, Any]:
    return {k: v.clone() for k, v in state.items()}


@check("13.1", points=3, category="behaviour")
def check_find_parent_accuracy(ctx: CheckContext) -> Partial | None:
    """For every fine-tuned model of 3 mixed families (depth up to 3): its parent among all the
    models that are not its descendants, shuffled."""
    states, parents, _ = _find_set()
    children = [i for i, p in enumerate(parents) if p is not None]
    correct = 0
    for i in children:
        order, where = _candidates(ctx, states, parents, i)
        got = ctx.student.find_parent(states[i], [states[j] for j in order])
        correct += got == where
    return accuracy_partial(
        correct / len(children),
        full=FULL_ACCURACY,
        zero=ZERO_ACCURACY,
        what=Text(
            en=f"the fraction of the {len(children)} fine-tuned models whose parent was found among the {len(states) - 1} or fewer other models (3 hidden families, depth up to 3)",
            pt=f"a fração dos {len(children)} modelos ajustados cujo pai foi encontrado entre os {len(states) - 1} ou menos outros modelos (3 famílias ocultas, profundidade até 3)",
        ),
    )


@check("13.1", points=2, category="behaviour", requires=check_find_parent_accuracy)
def check_find_parent_order_invariant(ctx: CheckContext) -> None:
    """Reordering the candidates (reversed, the named model moved to the front or to the back)
    does not change which model is named."""
    states, parents, _ = _find_set()
    children = [i for i, p in enumerate(parents) if p is not None][:3]
    for i in children:
        order, _ = _candidates(ctx, states, parents, i)
        answer = ctx.student.find_parent(states[i], [states[j] for j in order])
        call = ctx.student.last_call
        if not 0 <= answer < len(order):
            continue  # a wrong index is the accuracy check's business
        first = order[answer]
        others = [j for j in order if j != first]
        orderings = {
            "reversed": order[::-1],
            "the named model moved to the front": [first] + others,
            "the named model moved to the back": others + [first],
        }
        for how, shuffled in orderings.items():
            answer = ctx.student.find_parent(states[i], [states[j] for j in shuffled])
            expect(
                0 <= answer < len(shuffled) and shuffled[answer] == first,
                en="{call} named candidates[{index}]; with the same candidates in another order ({how}) it named a different model (index {answer}); the answer must not depend on the candidates' order.",
                pt="{call} indicou candidates[{index}]; com os mesmos candidatos em outra ordem ({how}) indicou outro modelo (índice {answer}); a resposta não pode depender da ordem dos candidatos.",
                call=call,
                index=order.index(first),
                how=how,
                answer=answer,
            )


@check("13.1", points=1, category="correctness", requires=check_find_parent_accuracy)
def check_find_parent_skips_a_copy_of_the_child(ctx: CheckContext) -> None:
    """With an identical copy of the child among the candidates, the parent is still named."""
    states, parents, _ = _find_set()
    children = [i for i, p in enumerate(parents) if p is not None][:4]
    for i in children:
        order, where = _candidates(ctx, states, parents, i)
        candidates = [_copy(states[i])] + [states[j] for j in order]
        got = ctx.student.find_parent(states[i], candidates)
        expect(
            got == where + 1,
            en="{call}: candidates[0] is an exact copy of the child (a model is not its own parent) and the parent is candidates[{want}]; got {got}.",
            pt="{call}: candidates[0] é uma cópia exata do filho (um modelo não é pai de si mesmo) e o pai é candidates[{want}]; obteve {got}.",
            call=ctx.student.last_call,
            want=where + 1,
            got=got,
        )


@check("13.1", points=1, category="side-effects", requires=check_find_parent_accuracy)
def check_find_parent_leaves_inputs_untouched(ctx: CheckContext) -> None:
    states, parents, _ = _find_set()
    i = next(i for i, p in enumerate(parents) if p is not None)
    order, _ = _candidates(ctx, states, parents, i)
    expect_inputs_untouched(
        ctx.student.find_parent, _copy(states[i]), [_copy(states[j]) for j in order]
    )


@check("13.1", points=1, category="correctness", requires=check_find_parent_accuracy)
def check_find_parent_deterministic(ctx: CheckContext) -> None:
    states, parents, _ = _find_set()
    i = [i for i, p in enumerate(parents) if p is not None][-1]
    order, _ = _candidates(ctx, states, parents, i)
    expect_deterministic(ctx.student.find_parent, states[i], [states[j] for j in order])


# ---------------------------------------------------------------------------------------------
# 13.2


def _phylogeny(ctx: CheckContext, states: list) -> tuple[list, str]:
    got = ctx.student.build_phylogeny(states)
    call = ctx.student.last_call
    expect(
        len(got) == len(states)
        and all(p is None or (isinstance(p, int) and 0 <= p < len(states)) for p in got),
        en="{call}: expected a list of {n} entries, each None or an index in range({n}); got {got}.",
        pt="{call}: esperava uma lista de {n} entradas, cada uma None ou um índice em range({n}); obteve {got}.",
        call=call,
        n=len(states),
        got=got,
    )
    return got, call


@check("13.2", points=3, category="behaviour")
def check_phylogeny_parent_accuracy(ctx: CheckContext) -> Partial | None:
    """The fraction of fine-tuned models (4 mixed, shuffled families) whose parent is right."""
    states, parents, families = _phylogeny_set()
    got = ctx.student.build_phylogeny(states)
    children = [i for i, p in enumerate(parents) if p is not None]
    correct = sum(i < len(got) and got[i] == parents[i] for i in children)
    return accuracy_partial(
        correct / len(children),
        full=FULL_ACCURACY,
        zero=ZERO_ACCURACY,
        what=Text(
            en=f"the fraction of the {len(children)} fine-tuned models whose parent is right ({families} hidden families, {len(states)} models, shuffled)",
            pt=f"a fração dos {len(children)} modelos ajustados com o pai certo ({families} famílias ocultas, {len(states)} modelos, embaralhados)",
        ),
    )


@check("13.2", points=1, category="shape", requires=check_phylogeny_parent_accuracy)
def check_phylogeny_entries_are_indices_or_none(ctx: CheckContext) -> None:
    """One entry per model, each None or an index into the list."""
    states, _, _ = _phylogeny_set()
    _phylogeny(ctx, states)


@check("13.2", points=1, category="correctness", requires=check_phylogeny_parent_accuracy)
def check_phylogeny_roots_have_no_parent(ctx: CheckContext) -> None:
    """Each family's root (the model that was not fine-tuned) gets None."""
    states, parents, _ = _phylogeny_set()
    got, call = _phylogeny(ctx, states)
    wrong = [i for i, p in enumerate(parents) if p is None and got[i] is not None]
    expect(
        not wrong,
        en="{call}: models {wrong} are roots (freshly initialised, never fine-tuned) and must get None; got {got}.",
        pt="{call}: os modelos {wrong} são raízes (recém-inicializados, nunca ajustados) e devem receber None; obteve {got}.",
        call=call,
        wrong=wrong,
        got=[got[i] for i in wrong],
    )


@check("13.2", points=1, category="correctness", requires=check_phylogeny_parent_accuracy)
def check_phylogeny_one_root_per_family(ctx: CheckContext) -> None:
    """As many None entries as families."""
    states, _, families = _phylogeny_set()
    got, call = _phylogeny(ctx, states)
    roots = sum(p is None for p in got)
    expect(
        roots == families,
        en="{call}: the {n} models come from {families} families, each with exactly one root, so {families} entries should be None; got {roots}.",
        pt="{call}: os {n} modelos vêm de {families} famílias, cada uma com exatamente uma raiz, então {families} entradas deveriam ser None; obteve {roots}.",
        call=call,
        n=len(states),
        families=families,
        roots=roots,
    )


@check("13.2", points=2, category="correctness", requires=check_phylogeny_parent_accuracy)
def check_phylogeny_direction(ctx: CheckContext) -> None:
    """No child is named as the parent of its own parent."""
    states, parents, _ = _phylogeny_set()
    got, call = _phylogeny(ctx, states)
    reversed_edges = [(p, c) for c, p in enumerate(parents) if p is not None and got[p] == c]
    expect(
        not reversed_edges,
        en="{call}: for the true edges (parent, child) {edges} the child was named as its parent's parent; fine-tuning moves a child away from the initialisation, so the direction can be told apart.",
        pt="{call}: nas arestas verdadeiras (pai, filho) {edges} o filho foi indicado como pai do seu pai; o ajuste afasta o filho da inicialização, então a direção pode ser distinguida.",
        call=call,
        edges=reversed_edges[:6],
    )


@check("13.2", points=1, category="correctness", requires=check_phylogeny_parent_accuracy)
def check_phylogeny_is_a_forest(ctx: CheckContext) -> None:
    """Following parents from any model ends at a root: no cycle, no model its own parent."""
    states, _, _ = _phylogeny_set()
    got, call = _phylogeny(ctx, states)
    for start in range(len(got)):
        seen, node = [start], got[start]
        while node is not None:
            expect(
                node not in seen,
                en="{call}: following the parents from model {start} gives {path}, a cycle; the phylogeny must be a forest (every chain of parents ends at a root).",
                pt="{call}: seguindo os pais a partir do modelo {start} obtém-se {path}, um ciclo; a filogenia deve ser uma floresta (toda cadeia de pais termina numa raiz).",
                call=call,
                start=start,
                path=seen + [node],
            )
            seen.append(node)
            node = got[node]


@check("13.2", points=2, category="behaviour", requires=check_phylogeny_parent_accuracy)
def check_phylogeny_order_invariant(ctx: CheckContext) -> None:
    """The same tree for the models in another order (indices mapped back)."""
    states, _, _ = _phylogeny_set()
    first, call = _phylogeny(ctx, states)
    order = [int(k) for k in ctx.rng.permutation(len(states))]
    second, _ = _phylogeny(ctx, [states[k] for k in order])
    mapped = [None] * len(states)
    for new, old in enumerate(order):
        mapped[old] = None if second[new] is None else order[second[new]]
    differ = [i for i in range(len(states)) if mapped[i] != first[i]]
    expect(
        not differ,
        en="{call} and the same models in another order disagree on the parents of models {differ} (after mapping the indices back); the phylogeny must not depend on the order of the list.",
        pt="{call} e os mesmos modelos em outra ordem discordam sobre os pais dos modelos {differ} (depois de mapear os índices de volta); a filogenia não pode depender da ordem da lista.",
        call=call,
        differ=differ[:10],
    )


@check("13.2", points=1, category="side-effects", requires=check_phylogeny_parent_accuracy)
def check_phylogeny_leaves_models_untouched(ctx: CheckContext) -> None:
    states, _, _ = _phylogeny_set()
    expect_inputs_untouched(ctx.student.build_phylogeny, [_copy(s) for s in states])


@check("13.2", points=1, category="correctness", requires=check_phylogeny_parent_accuracy)
def check_phylogeny_deterministic(ctx: CheckContext) -> None:
    states, _, _ = _phylogeny_set()
    expect_deterministic(ctx.student.build_phylogeny, states)


# END HIDDEN
