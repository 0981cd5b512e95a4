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


# BEGIN HIDDEN
# Requirement -> checks.
# 7.1 stem, n distinct instances of one block class (>= 6 components, same configuration), head;
#     (B, in) -> (B, n_classes): block_stack_shape_public, block_stack_structure_public,
#     block_stack_structure_for_several_sizes (n = 1, 5, 8; stem/head from the Linear call
#     order); every block feeds the output: block_stack_every_block_counts.
# 7.2 the same with y = x + F(x) around every block: residual_stack_*_public,
#     residual_stack_structure_for_several_sizes; the skips carry the input with every block
#     silenced: residual_stack_identity_path; first-layer gradient kept at depth 30 (>= 1% of the head's):
#     residual_stack_keeps_first_layer_gradient; >= 10x the plain stack's:
#     skips_enlarge_first_layer_gradient.
# 7.3 runs for n_blocks 1..6 (two input/output sizes): mismatch_network_shape_public,
#     mismatch_network_runs_for_1_to_6_blocks; Keras layers + one projection per block:
#     mismatch_network_layers; one residual sum per block: mismatch_network_adds_per_block;
#     trains (every parameter gets a finite gradient, loss falls): mismatch_network_trains.
# 7.4 (B, 10), output reads sum(hidden): dense_concat_shape_public; the output layer reads every
#     hidden layer directly (perturbation with later layers held): dense_concat_reads_every_hidden_
#     layer; widths: dense_concat_layer_widths; depth 30 keeps the first layer's gradient:
#     dense_concat_deep_gradient; empty/zero widths -> ValueError: dense_concat_rejects_bad_hidden.
# 7.5 residual_lesion: small net (public), shipped net vs the judge's lesions + bar chart:
#     lesion_matches_judge; eval mode whatever mode the model arrives in: lesion_uses_eval_mode;
#     weights, buffers, modes, hooks, flags restored: lesion_restores_model.
#     removable_blocks_per_sample: small net (public); shipped net: removable_sets_keep_prediction
#     (not assessed when a set is empty where a block is removable), removable_sets_maximal,
#     removable_leaves_model_untouched.
import functools  # noqa: E402
from collections import Counter  # noqa: E402

from harness.checks import (  # noqa: E402
    bars_vs_reference,
    expect_model_untouched,
    expect_raises,
    model_snapshot,
)
from harness.fixtures.ch07_residual import residual_model  # noqa: E402

# ---------------------------------------------------------------------------------------------
# 7.1 / 7.2 structure

STACK_CASES = ((64, 16, 1, 10), (20, 8, 5, 3), (64, 12, 8, 10))


def _expect_structure(ctx: CheckContext, name: str) -> None:
    for in_features, width, n_blocks, n_classes in STACK_CASES:
        model, call = _build(ctx, name, in_features, width, n_blocks, n_classes)
        _expect_blocks(model, n_blocks, call)
        _expect_stack_io(model, in_features, width, n_classes, call)


@check("7.1", points=2, category="correctness", requires=check_block_stack_structure_public)
def check_block_stack_structure_for_several_sizes(ctx: CheckContext) -> None:
    """n = 1, 5, 8: n instances of one block class; stem and head are the first and last Linear."""
    _expect_structure(ctx, "build_block_stack")


@check("7.1", points=1, category="correctness", requires=check_block_stack_structure_public)
def check_block_stack_every_block_counts(ctx: CheckContext) -> None:
    """Perturbing the parameters of any one block changes the output (the blocks are chained)."""
    model, call = _build(ctx, "build_block_stack", 64, 16, 4, 10)
    names = _expect_blocks(model, 4, call)
    doing = Text(
        en=f"perturbing the parameters of each block of {call.strip('`')}",
        pt=f"perturbando os parâmetros de cada bloco de {call.strip('`')}",
    )
    report = _probe(ctx, probes.output_change_per_module, doing, model, _rows(16), names)
    silent = [name for name, change in zip(names, report["changes"]) if not change > 1e-6]
    expect(
        not silent,
        en="{call}: adding noise to the parameters of the blocks {silent} does not change the output for 16 digits; every block must take the previous block's output and feed the next one.",
        pt="{call}: somar ruído aos parâmetros dos blocos {silent} não muda a saída para 16 dígitos; todo bloco deve receber a saída do bloco anterior e alimentar o seguinte.",
        call=call,
        silent=silent,
    )


@check("7.2", points=1, category="correctness", requires=check_residual_stack_structure_public)
def check_residual_stack_structure_for_several_sizes(ctx: CheckContext) -> None:
    _expect_structure(ctx, "build_residual_stack")


@check("7.2", points=2, category="correctness", requires=check_residual_stack_structure_public)
def check_residual_stack_identity_path(ctx: CheckContext) -> None:
    """Every parameter but the stem's and the head's zeroed: the output still depends on x."""
    model, call = _build(ctx, "build_residual_stack", 64, 16, 4, 10)
    doing = Text(
        en=f"zeroing every parameter of {call.strip('`')} except the stem's and the head's",
        pt=f"zerando todo parâmetro de {call.strip('`')} exceto os do stem e da cabeça",
    )
    report = _probe(ctx, probes.output_spread_with_inner_layers_zeroed, doing, model, _rows(16))
    expect(
        report["finite"] and report["spread"] > 1e-6,
        en="{call}: with every parameter except those of the stem (first Linear run) and the head (last Linear run) set to zero, the output is the same for 16 different digits (largest difference {spread:.3g}). Each block must compute y = x + F(x) around the whole block, so that a silenced block still passes its input on.",
        pt="{call}: com todo parâmetro exceto os do stem (primeira Linear executada) e da cabeça (última Linear executada) zerado, a saída é a mesma para 16 dígitos diferentes (maior diferença {spread:.3g}). Cada bloco deve calcular y = x + F(x) em volta do bloco inteiro, para que um bloco silenciado ainda repasse a entrada.",
        call=call,
        spread=report["spread"],
    )


DEPTH = 30
GRADIENT_KEPT = 0.01
GRADIENT_RATIO = 10.0


def _gradients(ctx: CheckContext, name: str) -> tuple[dict[str, Any], str]:
    model, call = _build(ctx, name, 64, 16, DEPTH, 10)
    data = digits()
    doing = Text(
        en=f"re-initialising {call.strip('`')} (seed 0) and measuring its gradients in eval mode on 128 digits",
        pt=f"reinicializando {call.strip('`')} (semente 0) e medindo seus gradientes em modo eval em 128 dígitos",
    )
    X, y = np.array(data.X_train[:128]), np.array(data.y_train[:128])
    return _probe(ctx, probes.first_last_gradients, doing, model, X, y, 0), call


@check("7.2", points=2, category="behaviour", requires=check_residual_stack_structure_public)
def check_residual_stack_keeps_first_layer_gradient(ctx: CheckContext) -> None:
    report, call = _gradients(ctx, "build_residual_stack")
    first, last = report["first"], report["last"]
    expect(
        last > 0 and first / last >= GRADIENT_KEPT,
        en="{call}: after the judge's re-initialisation, the gradient norm of the stem's weight is {first:.3g} against {last:.3g} at the head, a ratio of {ratio:.3g} (at least {kept} expected): the gradient vanishes on the way down although every block should have a skip y = x + F(x) around it.",
        pt="{call}: depois da reinicialização do corretor, a norma do gradiente do peso do stem é {first:.3g} contra {last:.3g} na cabeça, razão {ratio:.3g} (esperava-se pelo menos {kept}): o gradiente some na descida embora todo bloco devesse ter um atalho y = x + F(x) em volta.",
        call=call,
        first=first,
        last=last,
        ratio=first / last if last > 0 else float("nan"),
        kept=GRADIENT_KEPT,
    )


@check("7.2", points=2, category="behaviour", requires=check_residual_stack_structure_public)
def check_skips_enlarge_first_layer_gradient(ctx: CheckContext) -> None:
    """Depth 30, same seed: the stem's gradient with skips is >= 10x the one without."""
    residual, residual_call = _gradients(ctx, "build_residual_stack")
    plain, plain_call = _gradients(ctx, "build_block_stack")
    expect(
        residual["first"] >= GRADIENT_RATIO * plain["first"] and residual["first"] > 0,
        en="The gradient norm at the stem's weight is {res:.3g} for {res_call} and {plain:.3g} for {plain_call} (both re-initialised by the judge with seed 0, eval mode, 128 digits); the skips should keep it at least {ratio:g} times larger than without them.",
        pt="A norma do gradiente no peso do stem é {res:.3g} para {res_call} e {plain:.3g} para {plain_call} (ambas reinicializadas pelo corretor com semente 0, modo eval, 128 dígitos); os atalhos deveriam mantê-la pelo menos {ratio:g} vezes maior que sem eles.",
        res=residual["first"],
        plain=plain["first"],
        res_call=residual_call,
        plain_call=plain_call,
        ratio=GRADIENT_RATIO,
    )


# ---------------------------------------------------------------------------------------------
# 7.3


@check("7.3", points=2, category="shape", requires=check_mismatch_network_shape_public)
def check_mismatch_network_runs_for_1_to_6_blocks(ctx: CheckContext) -> None:
    for in_features, n_classes in ((64, 10), (13, 3)):
        x = torch.from_numpy(
            np.random.default_rng(in_features).normal(size=(7, in_features)).astype(np.float32)
        )
        for n_blocks in range(1, 7):
            model = ctx.student.build_fixed_mismatch_network(in_features, n_classes, n_blocks)
            call = ctx.student.last_function_call
            model.call_method("eval")
            expect_shape(
                model(x),
                (7, n_classes),
                what=Text(
                    en=f"the output for x of shape (7, {in_features})",
                    pt=f"a saída para x de forma (7, {in_features})",
                ),
                context=call,
            )


def _linear_shapes(model: Any) -> list[tuple[int, int]]:
    shapes = []
    for row in model.summary()["modules"]:
        if row["type"] == "torch.nn.modules.linear.Linear":
            weight = [p for p in row["parameters"] if p["name"] == "weight"]
            if weight:
                shapes.append(tuple(weight[0]["shape"]))
    return sorted(shapes)


@check("7.3", points=2, category="correctness", requires=check_mismatch_network_shape_public)
def check_mismatch_network_layers(ctx: CheckContext) -> None:
    """Every Keras Dense becomes a Linear of the same width, plus one projection d -> 2d a block."""
    for n_blocks in (1, 3):
        model = ctx.student.build_fixed_mismatch_network(64, 10, n_blocks)
        call = ctx.student.last_function_call
        got, want = _linear_shapes(model), _keras_linear_shapes(64, 10, n_blocks)
        missing = sorted((Counter(want) - Counter(got)).elements())
        extra = sorted((Counter(got) - Counter(want)).elements())
        expect(
            got == want,
            en="{call}: the nn.Linear weights (out_features, in_features) should be those of the Keras code (d = 2 first, Dense(d), Dense(2d), Dense(4d), Dense(2d) in each block, d doubled and Dense(d) after the sum, Dense(10) at the end) plus one projection Linear(d, 2d) of the shortcut per block; missing {missing}, unexpected {extra}.",
            pt="{call}: os pesos das nn.Linear (out_features, in_features) deveriam ser os do código Keras (d = 2 no início, Dense(d), Dense(2d), Dense(4d), Dense(2d) em cada bloco, d dobrado e Dense(d) depois da soma, Dense(10) no fim) mais uma projeção Linear(d, 2d) do atalho por bloco; faltam {missing}, sobram {extra}.",
            call=call,
            missing=missing,
            extra=extra,
        )


@check("7.3", points=1, category="correctness", requires=check_mismatch_network_shape_public)
def check_mismatch_network_adds_per_block(ctx: CheckContext) -> None:
    """The traced forward pass runs at least one addition per block (the residual sum is kept)."""
    n_blocks = 4
    model = ctx.student.build_fixed_mismatch_network(64, 10, n_blocks)
    call = ctx.student.last_function_call
    model.call_method("eval")
    ops = model.trace(torch.from_numpy(_rows(5)))["ops"]
    adds = sum(1 for op in ops if op in ("add", "add_"))
    expect(
        adds >= n_blocks,
        en="{call}: a forward pass runs {adds} tensor additions for {n} blocks; each block must keep its residual sum (projected shortcut + branch), not drop the shortcut.",
        pt="{call}: um forward executa {adds} somas de tensores para {n} blocos; cada bloco deve manter sua soma residual (atalho projetado + ramo), não descartar o atalho.",
        call=call,
        adds=adds,
        n=n_blocks,
    )


@check("7.3", points=1, category="behaviour", requires=check_mismatch_network_shape_public)
def check_mismatch_network_trains(ctx: CheckContext) -> None:
    model = ctx.student.build_fixed_mismatch_network(64, 10, 3)
    call = ctx.student.last_function_call
    data = digits()
    doing = Text(
        en=f"training {call.strip('`')} for 10 Adam steps on 64 digits",
        pt=f"treinando {call.strip('`')} por 10 passos de Adam em 64 dígitos",
    )
    X, y = np.array(data.X_train[:64]), np.array(data.y_train[:64])
    report = _probe(ctx, probes.train_steps, doing, model, X, y, 10, 1e-2, 0)
    losses = report["losses"]
    expect(
        not report["missing"] and not report["nonfinite"],
        en="{call}: after one backward pass these parameters have no gradient {missing} or a non-finite one {nonfinite}; every layer (the projections included) must be part of the forward pass.",
        pt="{call}: depois de um backward estes parâmetros não têm gradiente {missing} ou têm um não finito {nonfinite}; toda camada (as projeções inclusive) deve fazer parte do forward.",
        call=call,
        missing=report["missing"][:6],
        nonfinite=report["nonfinite"][:6],
    )
    expect(
        bool(np.all(np.isfinite(losses))) and losses[-1] < losses[0],
        en="{call}: 10 Adam steps (lr 0.01) on 64 digits should lower the cross-entropy; the losses were {losses}.",
        pt="{call}: 10 passos de Adam (lr 0.01) em 64 dígitos deveriam baixar a entropia cruzada; as perdas foram {losses}.",
        call=call,
        losses=[round(v, 4) for v in losses],
    )


# ---------------------------------------------------------------------------------------------
# 7.4


@check("7.4", points=3, category="correctness", requires=check_dense_concat_shape_public)
def check_dense_concat_reads_every_hidden_layer(ctx: CheckContext) -> None:
    """Perturbing hidden layer i, with the later hidden layers held at their clean outputs,
    changes the output layer's input and the output: the output layer reads layer i directly."""
    for hidden in ([32, 16, 8], [5, 7, 3, 9]):
        report, call = _dense_report(ctx, hidden)
        unread = [
            i
            for i, result in enumerate(report["results"])
            if not (result["changed_columns"] >= 1 and result["output_change"] > 1e-6)
        ]
        expect(
            not unread and len(report["results"]) == len(hidden),
            en="{call}: adding 3 to the output of hidden layer i (the i-th nn.Linear run) while the later hidden layers are held at their unperturbed outputs leaves the output layer's input and the logits unchanged for the layers {unread} (of {count} hidden Linear layers found); the output layer must read the concatenation of the outputs of every hidden layer, not only the last one.",
            pt="{call}: somar 3 à saída da camada oculta i (a i-ésima nn.Linear executada) mantendo as camadas ocultas seguintes nas saídas sem perturbação deixa inalterados a entrada da camada de saída e os logits para as camadas {unread} (de {count} camadas Linear ocultas encontradas); a camada de saída deve ler a concatenação das saídas de todas as camadas ocultas, não só da última.",
            call=call,
            unread=unread,
            count=len(report["results"]),
        )


@check("7.4", points=1, category="shape", requires=check_dense_concat_reads_every_hidden_layer)
def check_dense_concat_layer_widths(ctx: CheckContext) -> None:
    """Hidden layers chained (in_features -> hidden[0] -> hidden[1] ...), output Linear(sum, 10)."""
    for hidden in ([7], [5, 7, 3, 9], [12, 12]):
        report, call = _dense_report(ctx, hidden, rows=8)
        got = [
            list(zip(report["hidden_in_features"], report["hidden_out_features"])),
            (report["output_in_features"], report["output_out_features"]),
        ]
        want = [list(zip([64, *hidden[:-1]], hidden)), (sum(hidden), 10)]
        expect(
            got == want,
            en="{call}: expected the hidden Linear layers {want_hidden} ((in_features, out_features), run in this order: each reads the previous hidden layer) and the output Linear{want_out}; got the hidden layers {got_hidden} and the output Linear{got_out}.",
            pt="{call}: esperavam-se as camadas Linear ocultas {want_hidden} ((in_features, out_features), executadas nesta ordem: cada uma lê a camada oculta anterior) e a Linear de saída{want_out}; obteve as camadas ocultas {got_hidden} e a Linear de saída{got_out}.",
            call=call,
            want_hidden=want[0],
            want_out=want[1],
            got_hidden=got[0],
            got_out=got[1],
        )


@check("7.4", points=1, category="behaviour", requires=check_dense_concat_reads_every_hidden_layer)
def check_dense_concat_deep_gradient(ctx: CheckContext) -> None:
    """30 hidden layers of 16: the first layer's gradient stays >= 1% of the output layer's."""
    model = ctx.student.DenseConcatMLP(64, [16] * DEPTH, 10)
    call = ctx.student.last_function_call
    data = digits()
    doing = Text(
        en=f"re-initialising {call.strip('`')} (seed 0) and measuring its gradients in eval mode on 128 digits",
        pt=f"reinicializando {call.strip('`')} (semente 0) e medindo seus gradientes em modo eval em 128 dígitos",
    )
    X, y = np.array(data.X_train[:128]), np.array(data.y_train[:128])
    report = _probe(ctx, probes.first_last_gradients, doing, model, X, y, 0)
    first, last = report["first"], report["last"]
    expect(
        last > 0 and first / last >= GRADIENT_KEPT,
        en="{call}: the gradient norm at the first hidden layer's weight is {first:.3g} against {last:.3g} at the output layer (ratio {ratio:.3g}, at least {kept} expected): with every hidden layer wired to the output, the first one gets a gradient directly.",
        pt="{call}: a norma do gradiente no peso da primeira camada oculta é {first:.3g} contra {last:.3g} na camada de saída (razão {ratio:.3g}, esperava-se pelo menos {kept}): com toda camada oculta ligada à saída, a primeira recebe gradiente diretamente.",
        call=call,
        first=first,
        last=last,
        ratio=first / last if last > 0 else float("nan"),
        kept=GRADIENT_KEPT,
    )


@check("7.4", points=1, category="stability", requires=check_dense_concat_reads_every_hidden_layer)
def check_dense_concat_rejects_bad_hidden(ctx: CheckContext) -> None:
    expect_raises("ValueError", ctx.student.DenseConcatMLP, 64, [], 10)
    expect_raises("ValueError", ctx.student.DenseConcatMLP, 64, [8, 0, 4], 10)


# ---------------------------------------------------------------------------------------------
# 7.5 on the shipped net


@functools.cache
def _shipped_case() -> tuple[dict[int, float], float]:
    data = digits()
    model = residual_model()
    X, y = np.array(data.X_test), np.array(data.y_test)
    intact = float(
        (_judge_logits(model, X, np.zeros((len(X), len(model.blocks)), bool)).argmax(1) == y).mean()
    )
    return _judge_lesions(model, X, y), intact


@check("7.5", points=3, category="robustness", requires=check_lesion_small_net_public)
def check_lesion_matches_judge(ctx: CheckContext) -> None:
    """The shipped net on the digits test split: every lesion equals the judge's measurement."""
    data = digits()
    X, y = np.array(data.X_test), np.array(data.y_test)
    got = ctx.student.residual_lesion(ctx.student.put(residual_model()), X, y)
    call = ctx.student.last_function_call
    want, intact = _shipped_case()
    ctx.attach_figure(
        Text(
            en="Residual lesions on the shipped net: your accuracy with branch i zeroed vs the judge's",
            pt="Lesões residuais na rede fornecida: sua acurácia com o ramo i zerado vs a do corretor",
        ),
        bars_vs_reference(
            {f"block {i}": float(v) for i, v in got.items()},
            {f"block {i}": v for i, v in want.items()},
            ylabel="test accuracy, branch i zeroed",
            baseline=intact,
            baseline_label=f"intact net ({intact:.3f})",
            reference_label="judge",
        ),
    )
    story = Text(
        en=f"on the shipped residual net (6 blocks, intact test accuracy {intact:.3f}) and the {len(y)} test digits,",
        pt=f"na rede residual fornecida (6 blocos, acurácia intacta {intact:.3f}) e nos {len(y)} dígitos de teste,",
    )
    _expect_lesions(got, want, len(y), call, story)


def _skewed() -> tuple[np.ndarray, np.ndarray]:
    """Test digits of classes 0 and 1 only: batch statistics far from the running ones."""
    data = digits()
    chosen = np.isin(data.y_test, (0, 1))
    return np.array(data.X_test[chosen]), np.array(data.y_test[chosen])


@check("7.5", points=1, category="correctness", requires=check_lesion_matches_judge)
def check_lesion_uses_eval_mode(ctx: CheckContext) -> None:
    """A model that arrives in train mode is still measured in eval mode (running statistics)."""
    X, y = _skewed()
    got = ctx.student.residual_lesion(ctx.student.put(residual_model().train()), X, y)
    call = ctx.student.last_function_call
    want = _judge_lesions(residual_model(), X, y)
    story = Text(
        en=f"the shipped net arrived in train mode with {len(y)} digits of classes 0 and 1 only (in train mode BatchNorm would use this skewed batch's statistics); the lesions must be measured in eval mode:",
        pt=f"a rede fornecida chegou em modo de treino com {len(y)} dígitos só das classes 0 e 1 (em modo de treino a BatchNorm usaria as estatísticas deste lote enviesado); as lesões devem ser medidas em modo eval:",
    )
    _expect_lesions(got, want, len(y), call, story)


@check("7.5", points=2, category="side-effects", requires=check_lesion_matches_judge)
def check_lesion_restores_model(ctx: CheckContext) -> None:
    """Weights, buffers, every module's mode, hooks, flags and .grad as they were (both modes)."""
    X, y = _skewed()
    for training in (False, True):
        handle = ctx.student.put(residual_model().train(training))
        before = model_snapshot(handle)
        ctx.student.residual_lesion(handle, X, y)
        call = Text(
            en=f"residual_lesion(<shipped net in {'train' if training else 'eval'} mode>, X, y)",
            pt=f"residual_lesion(<rede fornecida em modo {'treino' if training else 'eval'}>, X, y)",
        )
        expect_model_untouched(handle, before, context=call)


REMOVABLE_ROWS = 150


def _removable(
    ctx: CheckContext, training: bool = False
) -> tuple[list[list[int]], np.ndarray, str]:
    X = np.array(digits().X_test[:REMOVABLE_ROWS])
    sets = ctx.student.removable_blocks_per_sample(
        ctx.student.put(residual_model().train(training)), X
    )
    return sets, X, ctx.student.last_function_call


SHIPPED_STORY = Text(
    en=f"on the shipped residual net (6 blocks) and the first {REMOVABLE_ROWS} test digits,",
    pt=f"na rede residual fornecida (6 blocos) e nos primeiros {REMOVABLE_ROWS} dígitos de teste,",
)


@check("7.5", points=3, category="correctness", requires=check_removable_small_net_public)
def check_removable_sets_keep_prediction(ctx: CheckContext) -> None:
    sets, X, call = _removable(ctx)
    _expect_sets_removable(sets, residual_model(), X, call, SHIPPED_STORY)


@check("7.5", points=3, category="correctness", requires=check_removable_sets_keep_prediction)
def check_removable_sets_maximal(ctx: CheckContext) -> None:
    sets, X, call = _removable(ctx)
    not_maximal, _ = _expect_sets_removable(sets, residual_model(), X, call, SHIPPED_STORY)
    _expect_maximal(not_maximal, call, SHIPPED_STORY)


@check("7.5", points=1, category="side-effects", requires=check_removable_sets_keep_prediction)
def check_removable_leaves_model_untouched(ctx: CheckContext) -> None:
    X = np.array(digits().X_test[:40])
    for training in (False, True):
        handle = ctx.student.put(residual_model().train(training))
        before = model_snapshot(handle)
        ctx.student.removable_blocks_per_sample(handle, X)
        call = Text(
            en=f"removable_blocks_per_sample(<shipped net in {'train' if training else 'eval'} mode>, X)",
            pt=f"removable_blocks_per_sample(<rede fornecida em modo {'treino' if training else 'eval'}>, X)",
        )
        expect_model_untouched(handle, before, context=call)


# END HIDDEN
