# Public checks for ch07_residual, released by `grade release` (do not edit).
# Run them with:  grade check ch07_residual ch07_residual.py
"""Grader for ch07_residual (PCS 5022, chapter 7: residual networks).

Nothing the submission says about its networks is taken on trust. Structure is read from the
model's module summary (one block class, n distinct instances, at least 6 components each) and
from the order in which a traced forward pass runs its ``nn.Linear`` layers; behaviour is measured
by probes the judge ships into the worker (``harness/probes/ch07_residual.py``): the gradient at
the first layer after a seeded re-initialisation (7.2, 7.4), the output with every block silenced
(7.2), a few training steps (7.3), the output layer's input while each hidden layer is perturbed
and the later ones are held fixed (7.4). For 7.5 the judge ships its trained residual net
(``graders/fixtures/ch07_residual_mlp_trained.safetensors``) into the worker and redoes every
lesion, and verifies every removable set, with its own forward passes on its own copy.
Invariance and side-effect checks ``requires=`` the correctness check of the same function.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from harness.checks import (
    CheckContext,
    GraderSettings,
    StudentRaised,
    Text,
    assess_only_if,
    check,
    digits,
    expect,
    expect_shape,
    fail,
    rubric,
)
from harness.probes import ch07_residual as probes

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=20.0, submission_budget_s=120.0)

# the contract is the reference's annotations: nn.Module for the builders, an instance of the
# student's DenseConcatMLP, dict[int, float] and list[list[int]] for 7.5

BLOCK_DESIGN = rubric(
    "7.1",
    "block_design",
    1,
    Text(
        en="Describe the proposed building block (its at least 6 components, in order) and justify each choice.",
        pt="Descreva o building block proposto (seus pelo menos 6 componentes, em ordem) e justifique cada escolha.",
    ),
)
SKIP_GRADIENTS = rubric(
    "7.2",
    "skip_gradients",
    2,
    Text(
        en="Why do skip connections keep the gradient at the first layer of a deep stack (Jacobian I + ∂F/∂x) while the plain stack loses it? Relate it to the judge's measurement.",
        pt="Por que as skip connections preservam o gradiente na primeira camada de uma pilha profunda (jacobiano I + ∂F/∂x) enquanto a pilha simples o perde? Relacione com a medida do corretor.",
    ),
)
MISMATCH_FIX = rubric(
    "7.3",
    "mismatch_fix",
    1,
    Text(
        en="What causes the shape mismatch in the Keras code, what had to change, and which alternatives (projection, zero padding, matching widths) exist?",
        pt="O que causa o descasamento de formas no código Keras, o que precisou mudar, e que alternativas (projeção, completar com zeros, igualar larguras) existem?",
    ),
)
CONCAT_VS_SUM = rubric(
    "7.4",
    "concat_vs_sum",
    2,
    Text(
        en="Which limitations of the point-wise sum does concatenation mitigate, and what does it cost?",
        pt="Que limitações da soma ponto a ponto a concatenação mitiga, e quanto ela custa?",
    ),
)
LESION_DISCUSSION = rubric(
    "7.5",
    "lesion_discussion",
    3,
    Text(
        en="(★) What does the lesion study say about the network (which blocks matter)? How can the blocks that do not affect the prediction be identified, and can a set of blocks be switched off per sample without changing its class?",
        pt="(★) O que o estudo de lesões diz sobre a rede (quais blocos importam)? Como identificar os blocos que não afetam a predição, e dá para desligar um conjunto de blocos por amostra sem mudar sua classe?",
    ),
)

#: a building block has at least this many components (leaf submodules)
MIN_COMPONENTS = 6
#: logit margins this close to a tie are not used as evidence either way (batching may change
#: the last bits of a forward pass)
TIE = 1e-4


def _rows(n: int = 5, start: int = 0) -> np.ndarray:
    """n digits (float32, pixels / 16) of the judge's training split."""
    return np.array(digits().X_train[start : start + n])


def _probe(ctx: CheckContext, probe: Any, doing: Text, *args: Any) -> dict[str, Any]:
    """Run a judge probe in the student's worker; a student error says what the judge was doing;
    a problem the probe found fails the check with the probe's words."""
    try:
        report = ctx.student.put(probe)(*args)
    except StudentRaised as raised:
        if raised.is_a("NotImplementedError"):
            fail(
                en="{doing}: your code is not implemented yet (it raised NotImplementedError).",
                pt="{doing}: seu código ainda não foi implementado (levantou NotImplementedError).",
                doing=doing,
            )
        fail(doing + Text.same(": ") + raised.explain())
    if not isinstance(report, dict):
        fail(doing + Text.same(f": unexpected probe report {type(report).__name__}"))
    if "problem" in report:
        fail(
            en="{doing}: {problem}.",
            pt="{doing}: {problem}.",
            doing=doing,
            problem=str(report["problem"]),
        )
    return report


# ---------------------------------------------------------------------------------------------
# Structure of a stack: blocks from the module summary, stem and head from a traced forward pass


def _parent(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else ""


def _block_groups(summary: dict[str, Any]) -> list[tuple[str, list[str], int]]:
    """(type, instance names, components) of every group of identical non-root modules with at
    least MIN_COMPONENTS leaf submodules (same class, same leaves, same parameter shapes)."""
    rows = summary["modules"]
    parents = {_parent(r["name"]) for r in rows if r["name"]}
    groups: dict[tuple, list[str]] = {}
    for row in rows:
        name = row["name"]
        if not name or name not in parents:
            continue
        prefix = name + "."
        leaves = [r for r in rows if r["name"].startswith(prefix) and r["name"] not in parents]
        if len(leaves) < MIN_COMPONENTS:
            continue
        signature = (
            row["type"],
            tuple((r["type"], tuple(tuple(p["shape"]) for p in r["parameters"])) for r in leaves),
        )
        groups.setdefault(signature, []).append(name)
    return [(sig[0], names, len(sig[1])) for sig, names in groups.items()]


def _largest_module(summary: dict[str, Any]) -> int:
    """The most leaf submodules any non-root module has."""
    rows = summary["modules"]
    parents = {_parent(r["name"]) for r in rows if r["name"]}
    best = 0
    for row in rows:
        if row["name"] and row["name"] in parents:
            prefix = row["name"] + "."
            best = max(
                best,
                sum(1 for r in rows if r["name"].startswith(prefix) and r["name"] not in parents),
            )
    return best


def _expect_blocks(model: Any, n_blocks: int, call: str) -> list[str]:
    """The names of the n_blocks instances of one block class (>= 6 components each)."""
    summary = model.summary()
    groups = _block_groups(summary)
    matching = [g for g in groups if len(g[1]) == n_blocks]
    if matching:
        return sorted(matching, key=lambda g: -g[2])[0][1]
    if not groups:
        fail(
            en="{call}: no submodule has at least {k} components (leaf layers registered as submodules; the largest has {best}). A block needs at least {k}, e.g. Linear, BatchNorm1d, ReLU, Linear, BatchNorm1d, ReLU; use nn.ReLU() rather than F.relu so that it is a component.",
            pt="{call}: nenhum submódulo tem pelo menos {k} componentes (camadas folha registradas como submódulos; o maior tem {best}). Um bloco precisa de pelo menos {k}, por exemplo Linear, BatchNorm1d, ReLU, Linear, BatchNorm1d, ReLU; use nn.ReLU() em vez de F.relu para que seja um componente.",
            call=call,
            k=MIN_COMPONENTS,
            best=_largest_module(summary),
        )
    found = ", ".join(
        f"{len(names)} x {kind.rsplit('.', 1)[-1]} ({components} components)"
        for kind, names, components in groups
    )
    fail(
        en="{call}: expected {n} distinct instances of one block class with the same configuration and at least {k} components each; the groups of identical modules with at least {k} components are: {found}. The same block object added {n} times is registered once (its weights are shared): build a new block for every position.",
        pt="{call}: esperavam-se {n} instâncias distintas de uma classe de bloco com a mesma configuração e pelo menos {k} componentes cada; os grupos de módulos idênticos com pelo menos {k} componentes são: {found}. O mesmo objeto de bloco adicionado {n} vezes é registrado uma vez só (os pesos ficam compartilhados): crie um bloco novo para cada posição.",
        call=call,
        n=n_blocks,
        k=MIN_COMPONENTS,
        found=found,
    )
    raise AssertionError("unreachable")


def _expect_stack_io(
    model: Any, in_features: int, width: int, n_classes: int, call: str, batch: int = 5
) -> list[dict[str, Any]]:
    """A traced forward pass: output (batch, n_classes), first Linear run (in_features -> width),
    last Linear run (width -> n_classes). Returns the module calls."""
    x = torch.from_numpy(
        np.random.default_rng(in_features + width)
        .normal(size=(batch, in_features))
        .astype(np.float32)
    )
    model.call_method("eval")
    traced = model.trace(x)
    expect_shape(
        traced["output"],
        (batch, n_classes),
        what=Text(
            en=f"the output for x of shape ({batch}, {in_features}) (logits, one per class)",
            pt=f"a saída para x de forma ({batch}, {in_features}) (logits, um por classe)",
        ),
        context=call,
    )
    attributes = {r["name"]: r["attributes"] for r in model.summary()["modules"]}
    linears = [
        c["name"] for c in traced["module_calls"] if c["type"] == "torch.nn.modules.linear.Linear"
    ]
    shapes = [
        (attributes.get(n, {}).get("in_features"), attributes.get(n, {}).get("out_features"))
        for n in (linears[:1] + linears[-1:])
    ]
    expect(
        len(linears) >= 2
        and shapes[0] == (in_features, width)
        and shapes[-1] == (width, n_classes),
        en="{call}: the first nn.Linear the forward pass runs must be the stem Linear({i}, {w}) and the last one the head Linear({w}, {c}); got {shapes} ((in_features, out_features) of the first and the last Linear run).",
        pt="{call}: a primeira nn.Linear que o forward executa deve ser o stem Linear({i}, {w}) e a última a cabeça Linear({w}, {c}); obteve {shapes} ((in_features, out_features) da primeira e da última Linear executadas).",
        call=call,
        i=in_features,
        w=width,
        c=n_classes,
        shapes=shapes,
    )
    return traced["module_calls"]


def _build(ctx: CheckContext, name: str, *args: int) -> tuple[Any, str]:
    model = getattr(ctx.student, name)(*args)
    return model, ctx.student.last_function_call


def _public_shape(ctx: CheckContext, name: str) -> None:
    model, call = _build(ctx, name, 64, 16, 3, 10)
    x = torch.from_numpy(_rows(5))
    model.call_method("eval")
    out = expect_shape(
        model(x),
        (5, 10),
        what=Text(
            en="the output for 5 digits (x of shape (5, 64)): logits, one per class",
            pt="a saída para 5 dígitos (x de forma (5, 64)): logits, um por classe",
        ),
        context=call,
    )
    assess_only_if(
        float(np.ptp(out, axis=0).max()) > 1e-6,
        en="{call}: the output is the same for 5 different digits, so the network computes nothing from its input and its shape is not assessed.",
        pt="{call}: a saída é a mesma para 5 dígitos diferentes, então a rede não calcula nada a partir da entrada e sua forma não é avaliada.",
        call=call,
    )


def _public_structure(ctx: CheckContext, name: str) -> None:
    model, call = _build(ctx, name, 64, 16, 3, 10)
    _expect_blocks(model, 3, call)


@check("7.1", points=1, category="shape", hidden=False)
def check_block_stack_shape_public(ctx: CheckContext) -> None:
    _public_shape(ctx, "build_block_stack")


@check("7.1", points=1, category="correctness", hidden=False)
def check_block_stack_structure_public(ctx: CheckContext) -> None:
    """Three distinct instances of one block class with at least 6 components each."""
    _public_structure(ctx, "build_block_stack")


@check("7.2", points=1, category="shape", hidden=False)
def check_residual_stack_shape_public(ctx: CheckContext) -> None:
    _public_shape(ctx, "build_residual_stack")


@check("7.2", points=1, category="correctness", hidden=False)
def check_residual_stack_structure_public(ctx: CheckContext) -> None:
    _public_structure(ctx, "build_residual_stack")


# ---------------------------------------------------------------------------------------------
# 7.3: the Keras network with projected shortcuts


def _keras_linear_shapes(in_features: int, n_classes: int, n_blocks: int) -> list[tuple[int, int]]:
    """(out, in) of every Linear weight: the Keras layers plus one projection d -> 2d per block."""
    d = 2
    shapes = [(d, in_features)]
    for _ in range(n_blocks):
        shapes += [(d, d), (2 * d, d), (4 * d, 2 * d), (2 * d, 4 * d), (2 * d, d)]  # branch, proj
        d *= 2
        shapes.append((d, d))  # Dense(d) after the sum
    shapes.append((n_classes, d))
    return sorted(shapes)


@check("7.3", points=1, category="shape", hidden=False)
def check_mismatch_network_shape_public(ctx: CheckContext) -> None:
    """One and two blocks: (5, 64) digits give (5, 10) logits (the sum no longer fails)."""
    x = torch.from_numpy(_rows(5))
    for n_blocks in (1, 2):
        model = ctx.student.build_fixed_mismatch_network(64, 10, n_blocks)
        call = ctx.student.last_function_call
        model.call_method("eval")
        expect_shape(
            model(x),
            (5, 10),
            what=Text(
                en="the output for 5 digits (x of shape (5, 64))",
                pt="a saída para 5 dígitos (x de forma (5, 64))",
            ),
            context=call,
        )


# ---------------------------------------------------------------------------------------------
# 7.4: DenseConcatMLP


def _dense_report(ctx: CheckContext, hidden: list[int], rows: int = 40) -> tuple[dict, str]:
    model = ctx.student.DenseConcatMLP(64, hidden, 10)
    call = ctx.student.last_function_call
    doing = Text(
        en=f"perturbing the hidden layers of {call.strip('`')} on {rows} digits",
        pt=f"perturbando as camadas ocultas de {call.strip('`')} em {rows} dígitos",
    )
    return _probe(ctx, probes.dense_concat_perturbation, doing, model, _rows(rows)), call


@check("7.4", points=1, category="shape", hidden=False)
def check_dense_concat_shape_public(ctx: CheckContext) -> None:
    """DenseConcatMLP(64, [32, 16, 8], 10): (5, 10) logits; the last Linear run reads 56 features."""
    model = ctx.student.DenseConcatMLP(64, [32, 16, 8], 10)
    call = ctx.student.last_function_call
    model.call_method("eval")
    out = expect_shape(
        model(torch.from_numpy(_rows(5))),
        (5, 10),
        what=Text(en="the output for x of shape (5, 64)", pt="a saída para x de forma (5, 64)"),
        context=call,
    )
    assess_only_if(
        float(np.ptp(out, axis=0).max()) > 1e-6,
        en="{call}: the output is the same for 5 different digits, so the network computes nothing from its input and its shape is not assessed.",
        pt="{call}: a saída é a mesma para 5 dígitos diferentes, então a rede não calcula nada a partir da entrada e sua forma não é avaliada.",
        call=call,
    )
    report, call = _dense_report(ctx, [32, 16, 8], rows=8)
    expect(
        report["output_in_features"] == 56,
        en="{call}: the output layer (the last nn.Linear the forward pass runs) has in_features={got}; it must read the concatenation of the three hidden outputs, 32 + 16 + 8 = 56 features.",
        pt="{call}: a camada de saída (a última nn.Linear executada no forward) tem in_features={got}; ela deve ler a concatenação das três saídas ocultas, 32 + 16 + 8 = 56 atributos.",
        call=call,
        got=report["output_in_features"],
    )


# ---------------------------------------------------------------------------------------------
# 7.5: lesions on a residual net; the judge's own forward passes


def _judge_logits(model: probes.ResidualMLP, X: np.ndarray, removed: np.ndarray) -> np.ndarray:
    """Logits (float64) with branch j of sample b zeroed wherever removed[b, j] (eval mode)."""
    keep = torch.from_numpy((~removed).astype(np.float32))
    model.eval()
    with torch.no_grad():
        h = model.stem(torch.from_numpy(np.asarray(X, dtype=np.float32)))
        for j, block in enumerate(model.blocks):
            h = h + block.branch(h) * keep[:, j : j + 1]
        return model.head(h).double().numpy()


def _judge_lesions(model: probes.ResidualMLP, X: np.ndarray, y: np.ndarray) -> dict[int, float]:
    n = len(model.blocks)
    accuracies = {}
    for i in range(n):
        removed = np.zeros((len(X), n), dtype=bool)
        removed[:, i] = True
        accuracies[i] = float((_judge_logits(model, X, removed).argmax(1) == y).mean())
    return accuracies


def _margins(logits: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """logit of the given class minus the best other logit, per row."""
    rows = np.arange(len(logits))
    chosen = logits[rows, classes]
    others = logits.copy()
    others[rows, classes] = -np.inf
    return chosen - others.max(axis=1)


def _random_residual_net(seed: int, width: int = 16, n_blocks: int = 4) -> probes.ResidualMLP:
    """A small ResidualMLP with weights from numpy's seeded generator (the same everywhere), its
    branches strong enough that lesions matter, and block 2's branch silenced (last Linear zero)."""
    rng = np.random.default_rng(seed)
    model = probes.ResidualMLP(64, width, n_blocks, 10)
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            if name.endswith("running_var"):
                values = rng.uniform(0.5, 2.0, size=tensor.shape)
            elif name.endswith("running_mean") or name.endswith("bias"):
                values = rng.normal(0.0, 0.2, size=tensor.shape)
            elif tensor.dim() == 1:  # BatchNorm weight
                values = rng.uniform(0.5, 1.5, size=tensor.shape)
            else:
                values = rng.normal(0.0, 1.5 / np.sqrt(tensor.shape[1]), size=tensor.shape)
            tensor.copy_(torch.from_numpy(values))
        model.blocks[2].branch[-1].weight.zero_()
        model.blocks[2].branch[-1].bias.zero_()
    return model.eval()


def _small_case(rows: int = 60) -> tuple[probes.ResidualMLP, np.ndarray, np.ndarray]:
    """The small net, digits, and the net's own predictions as labels (intact accuracy 1)."""
    model = _random_residual_net(7)
    X = np.array(digits().X_test[:rows])
    y = _judge_logits(model, X, np.zeros((rows, len(model.blocks)), dtype=bool)).argmax(1)
    return model, X, y


def _expect_lesions(
    got: dict[int, float], want: dict[int, float], rows: int, call: str, story: Text
) -> None:
    expect(
        sorted(got) == sorted(want),
        en="{call} should return one accuracy per block, keys {want} (ints); got the keys {got}.",
        pt="{call} deveria retornar uma acurácia por bloco, chaves {want} (ints); obteve as chaves {got}.",
        call=call,
        want=sorted(want),
        got=sorted(got),
    )
    off = {
        i: (round(got[i], 4), round(want[i], 4))
        for i in want
        if not abs(got[i] - want[i]) <= 1.5 / rows  # one near-tie sample may flip
    }
    expect(
        not off,
        en="{call}: {story} the accuracies with one branch zeroed (y_i = y_(i-1): the block passes its input on unchanged) differ from the judge's measurement for {off} (block: (yours, judge's)).",
        pt="{call}: {story} as acurácias com um ramo zerado (y_i = y_(i-1): o bloco repassa a entrada sem mudança) diferem da medida do corretor para {off} (bloco: (sua, do corretor)).",
        call=call,
        story=story,
        off=off,
    )


@check("7.5", points=1, category="correctness", hidden=False)
def check_lesion_small_net_public(ctx: CheckContext) -> None:
    """A small random ResidualMLP whose block 2 has a silent branch: zeroing it changes nothing,
    the other lesions match the judge's forward passes (labels: the intact net's predictions)."""
    model, X, y = _small_case()
    got = ctx.student.residual_lesion(ctx.student.put(model), X, y)
    call = ctx.student.last_function_call
    want = _judge_lesions(model, X, y)
    story = Text(
        en="on a small random ResidualMLP (4 blocks, width 16, labels = its own intact predictions, so the intact accuracy is 1.0, and block 2's branch already outputs zeros, so lesioning it must give 1.0),",
        pt="em uma ResidualMLP pequena e aleatória (4 blocos, largura 16, rótulos = suas próprias predições intactas, então a acurácia intacta é 1.0, e o ramo do bloco 2 já dá zeros, então lesioná-lo deve dar 1.0),",
    )
    _expect_lesions(got, want, len(X), call, story)


def _set_problems(
    model: probes.ResidualMLP, X: np.ndarray, sets: list[list[int]]
) -> tuple[list[str], list[str], list[str], int]:
    """(malformed, not removable together, not maximal, samples with a removable block but an
    empty set), each a list of short descriptions, judged on the judge's own forward passes."""
    n = len(model.blocks)
    rows = len(X)
    malformed: list[str] = []
    if len(sets) != rows:
        return [f"{len(sets)} lists for {rows} samples"], [], [], 0
    removed = np.zeros((rows, n), dtype=bool)
    for b, chosen in enumerate(sets):
        if len(set(chosen)) != len(chosen) or any(not 0 <= j < n for j in chosen):
            malformed.append(f"sample {b}: {chosen}")
            continue
        removed[b, list(chosen)] = True
    if malformed:
        return malformed, [], [], 0
    none = np.zeros((rows, n), dtype=bool)
    base_logits = _judge_logits(model, X, none)
    base = base_logits.argmax(1)
    clear = np.abs(_margins(base_logits, base)) > TIE
    margin = _margins(_judge_logits(model, X, removed), base)
    broken = [f"sample {b}: {sets[b]}" for b in np.flatnonzero(clear & (margin < -TIE))]
    not_maximal: list[str] = []
    empty_but_removable = 0
    for j in range(n):
        trial = removed.copy()
        trial[:, j] = True
        margin_j = _margins(_judge_logits(model, X, trial), base)
        addable = clear & ~removed[:, j] & (margin_j > TIE)
        not_maximal += [f"sample {b}: {sets[b]} + block {j}" for b in np.flatnonzero(addable)]
    single = np.zeros(rows, dtype=bool)
    for j in range(n):
        alone = none.copy()
        alone[:, j] = True
        single |= _margins(_judge_logits(model, X, alone), base) > TIE
    empty_but_removable = int(np.sum(single & clear & ~removed.any(axis=1)))
    return malformed, broken, not_maximal, empty_but_removable


def _expect_sets_removable(
    sets: list[list[int]], model: probes.ResidualMLP, X: np.ndarray, call: str, story: Text
) -> tuple[list[str], str]:
    malformed, broken, not_maximal, empty = _set_problems(model, X, sets)
    expect(
        not malformed,
        en="{call}: {story} expected one list per sample of distinct block indices in 0..{last}; wrong for {cases}.",
        pt="{call}: {story} esperava-se uma lista por amostra de índices de blocos distintos em 0..{last}; errado para {cases}.",
        call=call,
        story=story,
        last=len(model.blocks) - 1,
        cases=malformed[:5],
    )
    assess_only_if(
        empty == 0,
        en="{call}: {story} {empty} samples got an empty list although the judge can zero at least one block's branch alone without changing their class; an empty set is always removable, so it earns nothing here.",
        pt="{call}: {story} {empty} amostras receberam uma lista vazia embora o corretor consiga zerar sozinho o ramo de pelo menos um bloco sem mudar sua classe; um conjunto vazio é sempre removível, então não vale nada aqui.",
        call=call,
        story=story,
        empty=empty,
    )
    expect(
        not broken,
        en="{call}: {story} zeroing all the branches of a returned list together changes the predicted class of {count} samples (judge's forward passes), e.g. {cases}. Each block may be removable alone, but the whole set must be removable together: test the blocks jointly.",
        pt="{call}: {story} zerar juntos todos os ramos de uma lista devolvida muda a classe prevista de {count} amostras (forward passes do corretor), por exemplo {cases}. Cada bloco pode ser removível sozinho, mas o conjunto inteiro deve ser removível junto: teste os blocos em conjunto.",
        call=call,
        story=story,
        count=len(broken),
        cases=broken[:4],
    )
    return not_maximal, call


@check("7.5", points=1, category="correctness", hidden=False)
def check_removable_small_net_public(ctx: CheckContext) -> None:
    """Small random ResidualMLP: every set is removable together and maximal (judge's forwards)."""
    model, X, _ = _small_case(40)
    sets = ctx.student.removable_blocks_per_sample(ctx.student.put(model), X)
    call = ctx.student.last_function_call
    story = Text(
        en="on a small random ResidualMLP (4 blocks, 40 digits),",
        pt="em uma ResidualMLP pequena e aleatória (4 blocos, 40 dígitos),",
    )
    not_maximal, _ = _expect_sets_removable(sets, model, X, call, story)
    _expect_maximal(not_maximal, call, story)


def _expect_maximal(not_maximal: list[str], call: str, story: Text) -> None:
    expect(
        not not_maximal,
        en="{call}: {story} {count} sets are not maximal: the judge can zero one more block together with them without changing the class, e.g. {cases}. Keep adding blocks until none can be added (one pass in index order is not enough: adding a block can make an earlier one removable).",
        pt="{call}: {story} {count} conjuntos não são maximais: o corretor consegue zerar mais um bloco junto com eles sem mudar a classe, por exemplo {cases}. Continue adicionando blocos até nenhum caber (uma passada na ordem dos índices não basta: adicionar um bloco pode tornar removível um anterior).",
        call=call,
        story=story,
        count=len(not_maximal),
        cases=not_maximal[:4],
    )
