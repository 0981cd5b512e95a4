"""Grader for ch03_hyperparameters (PCS 5022, chapter 3: basic hyperparameters).

Everything that must run around the student's code (autograd switched off, gradients, training of
judge-designed models, a recording ``evaluate``) lives in ``harness/probes_ch03_hyperparameters.py``
and is shipped into the worker with ``ctx.student.put``; only plain data and handles come back, and
every verdict (gradients against autograd, accuracies, rates) is computed here.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import torch

from harness.probes import ch03_hyperparameters as probes
from harness.checks import (
    CheckContext,
    GraderSettings,
    SubmissionProblem,
    Text,
    check,
    describe,
    expect,
    expect_close,
    expect_shape,
    fail,
    rubric,
)

SETTINGS = GraderSettings(call_timeout_s=30.0, submission_budget_s=300.0)

SCHEDULER_DISCUSSION = rubric(
    "3.3",
    "scheduler_proposal",
    2,
    Text(
        en="Is the proposed learning-rate policy motivated (which problem it addresses) and compared with a known policy (step decay, cosine, one-cycle...)? Look at the plotted curve.",
        pt="A política de taxa de aprendizado proposta é motivada (que problema resolve) e comparada com uma política conhecida (degraus, cosseno, one-cycle...)? Veja a curva desenhada.",
    ),
)
ACTIVATION_DISCUSSION = rubric(
    "3.4",
    "activation_proposal",
    2,
    Text(
        en="Is the shape of the proposed activation motivated (derivative, saturation, behaviour near 0, cost) and compared with known activations?",
        pt="A forma da ativação proposta é motivada (derivada, saturação, comportamento perto de 0, custo) e comparada com ativações conhecidas?",
    ),
)
LOSS_DISCUSSION = rubric(
    "3.5",
    "loss_proposal",
    2,
    Text(
        en="Does the discussion explain what the proposed loss penalises differently from cross-entropy, and when it would be preferable?",
        pt="A discussão explica o que a função de erro proposta penaliza de diferente da entropia cruzada, e quando ela seria preferível?",
    ),
)


def _tensor(value: object, what: str, call: str) -> np.ndarray:
    """The value as a float64 array, failing clearly when it is not numeric."""
    if isinstance(value, torch.Tensor):
        return value.detach().to(torch.float64).numpy()
    if isinstance(value, np.ndarray | np.generic | float | int) and not isinstance(value, bool):
        array = np.asarray(value)
        if array.dtype.kind in "fiu":
            return array.astype(np.float64)
    fail(
        en="{call}: {what} should be a tensor, got {got}.",
        pt="{call}: {what} deveria ser um tensor, obteve {got}.",
        call=call,
        what=what,
        got=describe(value),
    )
    raise AssertionError("unreachable")


def _unpack(value: object, names: tuple[str, ...], call: str) -> list[np.ndarray]:
    if not (isinstance(value, tuple | list) and len(value) == len(names)):
        fail(
            en="{call} should return a tuple of {n} gradients ({names}), got {got}.",
            pt="{call} deveria retornar uma tupla de {n} gradientes ({names}), obteve {got}.",
            call=call,
            n=len(names),
            names=", ".join(names),
            got=describe(value),
        )
    return [_tensor(v, name, call) for v, name in zip(value, names)]  # type: ignore[arg-type]


def _expect_handle(value: object, kind: str | None, call: str, expected: Text) -> object:
    if getattr(value, "kind", None) is None or (kind is not None and value.kind != kind):  # type: ignore[attr-defined]
        fail(
            Text(
                en="{call} should give {expected}, got {got}.",
                pt="{call} deveria dar {expected}, obteve {got}.",
            ).format(call=call, expected=expected, got=describe(value))
        )
    return value


def _through_probe(
    probe: object, name: str, context: Text, *args: object, **kwargs: object
) -> object:
    """Call a judge probe that runs student code; errors are told in the student's terms."""
    try:
        return probe(*args, **kwargs)  # type: ignore[operator]
    except SubmissionProblem as problem:
        is_a = getattr(problem, "is_a", None)
        if is_a is None:  # the worker died or timed out: the harness explains it by itself
            raise
        if is_a("NotImplementedError"):
            fail(
                en="`{name}` is not implemented yet (it raised NotImplementedError).",
                pt="`{name}` ainda não foi implementada (levantou NotImplementedError).",
                name=name,
            )
        fail(context + Text.same(": ") + problem.explain())
        raise


def _rates(ctx: CheckContext, scheduler, optimizer, steps: int) -> np.ndarray:
    """Rates (steps + 1, groups) of a training loop: optimizer.step(); scheduler.step()."""
    run = ctx.student.put(probes.run_scheduler)
    context = Text(
        en=f"Running {steps} steps of optimizer.step(); scheduler.step()",
        pt=f"Executando {steps} passos de optimizer.step(); scheduler.step()",
    )
    report = _through_probe(run, "ProposedScheduler", context, scheduler, optimizer, steps)
    return np.asarray(report["lrs"], dtype=np.float64)


def _show_key(key: str) -> str:
    """A configuration key (see probes.config_key) as readable text: {init='xavier', lr=0.01}."""
    import json

    return "{" + ", ".join(f"{name}={value}" for name, value in json.loads(key)) + "}"


# ---------------------------------------------------------------------------------------------
# Public checks: small known answers, no reference needed.


@check("3.1", points=1, category="correctness", hidden=False)
def check_grad_combination_known_values(ctx: CheckContext) -> None:
    """y = 2(a - b) + c with grad_y = 1 everywhere: the gradients are 2, -2 and 1."""
    a, b, c = (torch.arange(6, dtype=torch.float64).reshape(2, 3) * s for s in (1.0, -0.5, 2.0))
    grad_y = torch.ones(2, 3, dtype=torch.float64)
    value = ctx.student.grad_combination(a, b, c, grad_y)
    call = ctx.student.last_call
    grads = _unpack(value, ("grad_a", "grad_b", "grad_c"), call)
    for got, want, name in zip(grads, (2.0, -2.0, 1.0), ("grad_a", "grad_b", "grad_c")):
        expect_close(got, np.full((2, 3), want), what=name, context=call)


@check("3.1", points=1, category="correctness", hidden=False)
def check_grad_linear_known_values(ctx: CheckContext) -> None:
    """A 2 x 2 example worked out by hand."""
    x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=torch.float64)
    w = torch.tensor([0.5, -1.0], dtype=torch.float64)
    b = torch.tensor(0.3, dtype=torch.float64)
    grad_y = torch.tensor([1.0, 2.0], dtype=torch.float64)
    value = ctx.student.grad_linear(x, w, b, grad_y)
    call = ctx.student.last_call
    grad_x, grad_w, grad_b = _unpack(value, ("grad_x", "grad_w", "grad_b"), call)
    expect_close(grad_x, [[0.5, -1.0], [1.0, -2.0]], what="grad_x", context=call)
    expect_close(grad_w, [7.0, 10.0], what="grad_w", context=call)
    expect_close(grad_b, 3.0, what="grad_b", context=call)


@check("3.3", points=1, category="correctness", hidden=False)
def check_scheduler_runs_with_optimizer(ctx: CheckContext) -> None:
    """ProposedScheduler(SGD(lr=0.1), total_steps=50) runs 50 steps with finite positive rates."""
    optimizer = ctx.student.put(
        torch.optim.SGD([torch.nn.Parameter(torch.zeros(3))], lr=0.1, momentum=0.9)
    )
    scheduler = ctx.student.ProposedScheduler(optimizer, 50)
    call = ctx.student.last_call
    _expect_handle(scheduler, None, call, Text(en="a scheduler object", pt="um objeto scheduler"))
    lrs = _rates(ctx, scheduler, optimizer, 50)
    bad = ~(np.isfinite(lrs) & (lrs > 0))
    expect(
        not bad.any(),
        en="{call}: after {step} steps the optimizer's learning rate is {value}; rates must stay finite and positive.",
        pt="{call}: após {step} passos a taxa de aprendizado do otimizador é {value}; as taxas devem ser finitas e positivas.",
        call="ProposedScheduler(SGD(lr=0.1), 50)",
        step=int(np.argwhere(bad)[0][0]) if bad.any() else 0,
        value=float(lrs[bad][0]) if bad.any() else 0.0,
    )


@check("3.4", points=1, category="shape", hidden=False)
def check_activation_preserves_shape_public(ctx: CheckContext) -> None:
    activation = ctx.student.ProposedActivation()
    call = ctx.student.last_call
    _expect_handle(activation, "module", call, Text(en="an nn.Module", pt="um nn.Module"))
    out = activation(torch.linspace(-3, 3, 12).reshape(4, 3))
    expect_shape(out, (4, 3), what="activation(x) for x of shape (4, 3)", context=call)


@check("3.5", points=1, category="shape", hidden=False)
def check_loss_returns_scalar_public(ctx: CheckContext) -> None:
    logits = torch.tensor([[2.0, 0.5, -1.0], [0.0, 1.0, 3.0], [1.0, 1.0, 1.0], [-2.0, 0.0, 2.0]])
    target = torch.tensor([0, 2, 1, 0])
    loss = ctx.student.proposed_loss(logits, target)
    call = ctx.student.last_call
    expect(
        isinstance(loss, torch.Tensor) and loss.dim() == 0,
        en="{call} should return a 0-d tensor (a scalar, e.g. a mean over the batch), got {got}.",
        pt="{call} deveria retornar um tensor 0-d (um escalar, por exemplo uma média no lote), obteve {got}.",
        call=call,
        got=describe(loss),
    )
    expect(
        bool(torch.isfinite(loss)),
        en="{call} returned {got}; the loss must be finite.",
        pt="{call} retornou {got}; o erro deve ser finito.",
        call=call,
        got=describe(loss),
    )


@check("3.6", points=1, category="correctness", hidden=False)
def check_grid_search_small_space_public(ctx: CheckContext) -> None:
    """A 2 x 2 x 2 space: eight results, one per configuration."""
    space = {"optimizer": ["sgd", "adam"], "init": ["xavier", "kaiming"], "lr": [0.01, 0.1]}
    table = {probes.config_key(config): float(i) for i, config in enumerate(_product(space))}
    evaluate = ctx.student.put(probes.RecordingEvaluate(table))
    results = ctx.student.grid_search(space, evaluate)
    call = ctx.student.last_call
    keys = _result_keys(results, call)
    expect(
        sorted(keys) == sorted(table),
        en="{call}: the results hold {got} configurations ({distinct} distinct); expected the 8 combinations of the 2 x 2 x 2 space, each once.",
        pt="{call}: os resultados têm {got} configurações ({distinct} distintas); esperadas as 8 combinações do espaço 2 x 2 x 2, cada uma uma vez.",
        call=call,
        got=len(keys),
        distinct=len(set(keys)),
    )


def _product(space: dict) -> list[dict]:
    names = list(space)
    return [dict(zip(names, values)) for values in itertools.product(*space.values())]


def _result_keys(results: object, call: str) -> list[str]:
    """The canonical key of every result's config (failing clearly on a malformed result)."""
    if not isinstance(results, list | tuple):
        fail(
            en="{call} should return a list of {{'config': ..., 'score': ...}} dicts, got {got}.",
            pt="{call} deveria retornar uma lista de dicionários {{'config': ..., 'score': ...}}, obteve {got}.",
            call=call,
            got=describe(results),
        )
    keys = []
    for row in results:  # type: ignore[union-attr]
        if not (isinstance(row, dict) and isinstance(row.get("config"), dict) and "score" in row):
            fail(
                en="{call}: every result should be a dict {{'config': dict, 'score': number}}, got {got}.",
                pt="{call}: cada resultado deveria ser um dicionário {{'config': dict, 'score': número}}, obteve {got}.",
                call=call,
                got=describe(row),
            )
        keys.append(probes.config_key(row["config"]))
    return keys


# BEGIN HIDDEN
import hypothesis.strategies as st  # noqa: E402

from harness.checks import Partial, for_all  # noqa: E402

# ---------------------------------------------------------------------------------------------
# 3.1 hand-derived gradients, checked against autograd


def _autograd(function, inputs: list[torch.Tensor], grad_y: torch.Tensor) -> list[np.ndarray]:
    leaves = [t.detach().clone().requires_grad_(True) for t in inputs]
    with torch.enable_grad():
        y = function(*leaves)
        grads = torch.autograd.grad(y, leaves, grad_y)
    return [g.numpy() for g in grads]


def _random(rng: np.random.Generator, shape: tuple[int, ...], low: float = -2.0, high: float = 2.0):
    return torch.as_tensor(rng.uniform(low, high, size=shape), dtype=torch.float64)


def _close(got: np.ndarray, want: np.ndarray, name: str, call: str) -> None:
    scale = max(1.0, float(np.abs(want).max())) if want.size else 1.0
    expect_close(got, want, what=name, context=call, rtol=1e-5, atol=1e-7 * scale)


def _combination_case(case: tuple[int, tuple[int, ...]]):
    seed, shape = case
    rng = np.random.default_rng(seed)
    a, b, c, grad_y = (_random(rng, shape) for _ in range(4))
    want = _autograd(lambda a, b, c: 2 * (a - b) + c, [a, b, c], grad_y)
    return (a, b, c, grad_y), want


def _linear_case(case: tuple[int, int, int]):
    seed, n, d = case
    rng = np.random.default_rng(seed)
    x, w = _random(rng, (n, d)), _random(rng, (d,))
    b, grad_y = _random(rng, ()), _random(rng, (n,))
    want = _autograd(lambda x, w, b: x @ w + b, [x, w, b], grad_y)
    return (x, w, b, grad_y), want


def _normalization_case(case: tuple[int, int, int]):
    seed, n, d = case
    rng = np.random.default_rng(seed)
    x, mu = _random(rng, (n, d), -3, 3), _random(rng, (d,))
    sigma = _random(rng, (d,), 0.5, 2.0)
    gamma, delta = _random(rng, (d,)), _random(rng, (d,))
    grad_y = _random(rng, (n, d))
    want = _autograd(
        lambda x, m, s, g, dl: (x - m) / s * g + dl, [x, mu, sigma, gamma, delta], grad_y
    )
    return (x, mu, sigma, gamma, delta, grad_y), want


_SHAPES = st.lists(st.integers(1, 4), min_size=0, max_size=3).map(tuple)
_COMBINATION_CASES = st.tuples(st.integers(0, 10_000), _SHAPES)
_BATCH_CASES = st.tuples(st.integers(0, 10_000), st.integers(1, 6), st.integers(1, 5))
_NORMALIZATION_NAMES = ("grad_x", "grad_mu", "grad_sigma", "grad_gamma", "grad_delta")


@check("3.1", points=2, category="correctness")
def check_grad_combination_matches_autograd(ctx: CheckContext) -> None:
    def prop(case) -> None:
        args, want = _combination_case(case)
        value = ctx.student.grad_combination(*args)
        call = ctx.student.last_call
        for got, expected, name in zip(
            _unpack(value, ("grad_a", "grad_b", "grad_c"), call), want, ("a", "b", "c")
        ):
            _close(got, expected, f"dL/d{name} (autograd's value is expected)", call)

    for_all(
        _COMBINATION_CASES,
        prop,
        examples=15,
        show=lambda c: f"a, b, c, grad_y of shape {c[1]} (seed {c[0]})",
    )


@check("3.1", points=2, category="correctness")
def check_grad_linear_matches_autograd(ctx: CheckContext) -> None:
    def prop(case) -> None:
        args, want = _linear_case(case)
        value = ctx.student.grad_linear(*args)
        call = ctx.student.last_call
        for got, expected, name in zip(
            _unpack(value, ("grad_x", "grad_w", "grad_b"), call), want, ("x", "w", "b")
        ):
            _close(got, expected, f"dL/d{name} (autograd's value is expected)", call)

    for_all(
        _BATCH_CASES,
        prop,
        examples=15,
        show=lambda c: f"x of shape ({c[1]}, {c[2]}), w of shape ({c[2]},), b 0-d (seed {c[0]})",
    )


def _normalization_prop(ctx: CheckContext, which: tuple[int, ...]):
    def prop(case) -> None:
        args, want = _normalization_case(case)
        value = ctx.student.grad_normalization(*args)
        call = ctx.student.last_call
        grads = _unpack(value, _NORMALIZATION_NAMES, call)
        for index in which:
            name = _NORMALIZATION_NAMES[index].removeprefix("grad_")
            _close(grads[index], want[index], f"dL/d{name} (autograd's value is expected)", call)

    return prop


def _normalization_show(case) -> str:
    return f"x of shape ({case[1]}, {case[2]}); mu, sigma, gamma, delta of shape ({case[2]},) (seed {case[0]})"


@check("3.1", points=2, category="correctness")
def check_grad_normalization_input(ctx: CheckContext) -> None:
    """dL/dx of y = (x - mu) / sigma * gamma + delta."""
    for_all(_BATCH_CASES, _normalization_prop(ctx, (0,)), examples=12, show=_normalization_show)


@check("3.1", points=2, category="correctness")
def check_grad_normalization_statistics(ctx: CheckContext) -> None:
    """dL/dmu and dL/dsigma: summed over the rows that share them."""
    for_all(_BATCH_CASES, _normalization_prop(ctx, (1, 2)), examples=12, show=_normalization_show)


@check("3.1", points=2, category="correctness")
def check_grad_normalization_affine(ctx: CheckContext) -> None:
    """dL/dgamma and dL/ddelta."""
    for_all(_BATCH_CASES, _normalization_prop(ctx, (3, 4)), examples=12, show=_normalization_show)


@check("3.1", points=1, category="shape")
def check_gradients_shaped_like_inputs(ctx: CheckContext) -> None:
    """Edge sizes: one row, one feature, 0-d inputs; every gradient has its input's shape."""
    cases = [
        ("grad_combination", _combination_case((1, ())), ("a", "b", "c")),
        ("grad_combination", _combination_case((2, (1, 5, 1))), ("a", "b", "c")),
        ("grad_linear", _linear_case((3, 1, 4)), ("x", "w", "b")),
        ("grad_linear", _linear_case((4, 5, 1)), ("x", "w", "b")),
        (
            "grad_normalization",
            _normalization_case((5, 1, 3)),
            ("x", "mu", "sigma", "gamma", "delta"),
        ),
        (
            "grad_normalization",
            _normalization_case((6, 4, 1)),
            ("x", "mu", "sigma", "gamma", "delta"),
        ),
    ]
    for name, (args, _), inputs in cases:
        value = getattr(ctx.student, name)(*args)
        call = ctx.student.last_call
        grads = _unpack(value, tuple(f"grad_{i}" for i in inputs), call)
        for got, arg, input_name in zip(grads, args, inputs):
            expect(
                tuple(got.shape) == tuple(arg.shape),
                en="{call}: grad_{name} has shape {got}, but {name} has shape {expected}; a gradient always has the shape of its input (sum over the rows that share an input).",
                pt="{call}: grad_{name} tem forma {got}, mas {name} tem forma {expected}; um gradiente sempre tem a forma da sua entrada (some sobre as linhas que compartilham uma entrada).",
                call=call,
                name=input_name,
                got=tuple(got.shape),
                expected=tuple(arg.shape),
            )


@check("3.1", points=3, category="correctness")
def check_gradients_without_autograd(ctx: CheckContext) -> None:
    """Hand-derived: the functions work under torch.no_grad() and never call the autograd engine."""
    cases = [
        ("grad_combination", _combination_case((11, (3, 2)))[0]),
        ("grad_linear", _linear_case((12, 4, 3))[0]),
        ("grad_normalization", _normalization_case((13, 4, 3))[0]),
    ]
    for name, args in cases:
        probe = ctx.student.put(probes.HandDerivedCall(name))
        report = _through_probe(
            probe,
            name,
            Text(
                en=f"Calling {name} inside torch.no_grad()",
                pt=f"Chamando {name} dentro de torch.no_grad()",
            ),
            *args,
        )
        call = f"{name}(...) inside torch.no_grad(), with inputs that do not require grad"
        if report["autograd_calls"] or report["forward_ad_calls"]:
            fail(
                en="{call}: your function ran PyTorch's automatic differentiation ({how}). This exercise asks for the derivatives you derived by hand, computed with plain tensor arithmetic.",
                pt="{call}: sua função executou a diferenciação automática do PyTorch ({how}). Este exercício pede as derivadas que você derivou à mão, calculadas com aritmética de tensores.",
                call=call,
                how=(
                    f"{report['autograd_calls']} call(s) to the autograd engine: backward / torch.autograd.grad / torch.func"
                    if report["autograd_calls"]
                    else f"{report['forward_ad_calls']} use(s) of forward-mode AD: dual tensors / torch.func.jvp"
                ),
            )
        if report["error"] is not None:
            fail(
                en="{call} raised {error}. Derivatives derived by hand need no autograd graph: compute them with tensor arithmetic.",
                pt="{call} levantou {error}. Derivadas calculadas à mão não precisam do grafo do autograd: calcule-as com aritmética de tensores.",
                call=call,
                error=report["error"],
            )
        _unpack(report["result"], tuple(f"gradient {i + 1}" for i in range(len(args) - 1)), call)


# ---------------------------------------------------------------------------------------------
# 3.3 the proposed scheduler


def _scheduler(ctx: CheckContext, total_steps: int, lrs: tuple[float, ...] = (0.1,)):
    groups = [{"params": [torch.nn.Parameter(torch.zeros(2))], "lr": lr} for lr in lrs]
    optimizer = ctx.student.put(torch.optim.SGD(groups, lr=lrs[0], momentum=0.9))
    scheduler = ctx.student.ProposedScheduler(optimizer, total_steps)
    call = f"ProposedScheduler(SGD with param-group rates {list(lrs)}, total_steps={total_steps})"
    _expect_handle(scheduler, None, call, Text(en="a scheduler object", pt="um objeto scheduler"))
    return scheduler, optimizer, call


@check("3.3", points=1, category="correctness")
def check_scheduler_subclasses_lr_scheduler(ctx: CheckContext) -> None:
    scheduler, _, call = _scheduler(ctx, 20)
    expect(
        scheduler.isinstance_of("torch.optim.lr_scheduler:LRScheduler"),
        en="{call} is a {got}; it should be a subclass of torch.optim.lr_scheduler.LRScheduler (so that it works with torch's training loops and checkpoints).",
        pt="{call} é um {got}; deveria ser subclasse de torch.optim.lr_scheduler.LRScheduler (para funcionar com os laços de treino e checkpoints do torch).",
        call=call,
        got=scheduler.type_name,
    )


@check("3.3", points=2, category="stability")
def check_scheduler_rates_finite_and_positive(ctx: CheckContext) -> None:
    """Two param groups; three times as many steps as planned; also total_steps = 1."""
    for total, lrs in ((100, (0.1, 1e-3)), (7, (0.5,)), (1, (0.05, 2.0))):
        scheduler, optimizer, call = _scheduler(ctx, total, lrs)
        steps = max(3 * total, 20)
        rates = _rates(ctx, scheduler, optimizer, steps)
        bad = ~(np.isfinite(rates) & (rates > 0))
        if bad.any():
            step, group = (int(i) for i in np.argwhere(bad)[0])
            fail(
                en="{call}: after {step} scheduler steps the learning rate of param group {group} is {value}; it must stay finite and strictly positive at every step, also after total_steps (training may run longer than planned).",
                pt="{call}: após {step} passos do scheduler a taxa de aprendizado do grupo de parâmetros {group} é {value}; ela deve ser finita e estritamente positiva em todo passo, também após total_steps (o treino pode durar mais que o planejado).",
                call=call,
                step=step,
                group=group,
                value=float(rates[step, group]),
            )


def _plot_rates(ctx: CheckContext, rates: np.ndarray, total: int) -> None:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 3))
    axes = figure.add_subplot(1, 1, 1)
    axes.plot(np.arange(len(rates)), rates[:, 0], label="ProposedScheduler")
    axes.axvline(total, color="grey", linestyle="--", label="total_steps")
    positive = rates[:, 0][np.isfinite(rates[:, 0]) & (rates[:, 0] > 0)]
    if positive.size and positive.max() / positive.min() > 50:
        axes.set_yscale("log")
    axes.set_xlabel("scheduler.step() calls")
    axes.set_ylabel("learning rate (base 0.1)")
    axes.legend()
    ctx.attach_figure(
        Text(
            en=f"Learning rate of the proposed scheduler (total_steps={total})",
            pt=f"Taxa de aprendizado do scheduler proposto (total_steps={total})",
        ),
        figure,
    )


@check("3.3", points=2, category="behaviour")
def check_scheduler_is_not_constant(ctx: CheckContext) -> None:
    """The rate changes over the planned total_steps; the curve goes into the report."""
    total = 100
    scheduler, optimizer, call = _scheduler(ctx, total)
    rates = _rates(ctx, scheduler, optimizer, int(1.5 * total))
    _plot_rates(ctx, rates, total)
    planned = rates[: total + 1, 0]
    low, high = float(np.min(planned)), float(np.max(planned))
    expect(
        np.isfinite(low) and np.isfinite(high) and high - low > 0.01 * abs(high),
        en="{call}: over {total} steps the learning rate only ranges from {low:.6g} to {high:.6g}; a scheduler must change the rate.",
        pt="{call}: em {total} passos a taxa de aprendizado só varia de {low:.6g} a {high:.6g}; um scheduler deve mudar a taxa.",
        call=call,
        total=total,
        low=low,
        high=high,
    )


@check("3.3", points=2, category="correctness")
def check_scheduler_state_dict_round_trip(ctx: CheckContext) -> None:
    """Checkpoint after some steps, resume in a fresh optimizer + scheduler: the same rates follow."""
    total, before, after = 60, 23, 60
    scheduler, optimizer, call = _scheduler(ctx, total, (0.1, 0.02))
    _rates(ctx, scheduler, optimizer, before)
    fresh, fresh_optimizer, _ = _scheduler(ctx, total, (0.1, 0.02))
    _through_probe(
        ctx.student.put(probes.round_trip_scheduler),
        "ProposedScheduler",
        Text(
            en=f"{call}: saving optimizer.state_dict() and scheduler.state_dict() after {before} steps and loading them into a fresh SGD and a fresh ProposedScheduler",
            pt=f"{call}: salvando optimizer.state_dict() e scheduler.state_dict() após {before} passos e carregando-os num SGD novo e num ProposedScheduler novo",
        ),
        scheduler,
        optimizer,
        fresh,
        fresh_optimizer,
    )
    original = _rates(ctx, scheduler, optimizer, after)
    resumed = _rates(ctx, fresh, fresh_optimizer, after)
    close = np.isclose(resumed, original, rtol=1e-9, atol=0.0)
    if not close.all():
        step, group = (int(i) for i in np.argwhere(~close)[0])
        fail(
            en="{call}: after {before} steps we saved optimizer.state_dict() and scheduler.state_dict() and loaded them into a fresh SGD and a fresh ProposedScheduler. At step {step} after resuming, the original gives lr={want:.6g} to param group {group}, the resumed one lr={got:.6g}. All the scheduler's state must live in instance attributes (they go into state_dict()), not in globals, class attributes or random draws.",
            pt="{call}: após {before} passos salvamos optimizer.state_dict() e scheduler.state_dict() e os carregamos num SGD novo e num ProposedScheduler novo. No passo {step} após a retomada, o original dá lr={want:.6g} ao grupo de parâmetros {group}, o retomado lr={got:.6g}. Todo o estado do scheduler deve ficar em atributos da instância (eles entram no state_dict()), não em variáveis globais, atributos de classe ou sorteios.",
            call=call,
            before=before,
            step=step,
            group=group,
            want=float(original[step, group]),
            got=float(resumed[step, group]),
        )


# ---------------------------------------------------------------------------------------------
# 3.4 the proposed activation


def _activation(ctx: CheckContext):
    activation = ctx.student.ProposedActivation()
    call = ctx.student.last_call
    _expect_handle(activation, "module", call, Text(en="an nn.Module", pt="um nn.Module"))
    activation.call_method("eval")
    return activation


def _forward(activation, x: torch.Tensor, what: str) -> np.ndarray:
    out = activation(x)
    if not isinstance(out, torch.Tensor):
        fail(
            en="ProposedActivation()({what}) should return a tensor, got {got}.",
            pt="ProposedActivation()({what}) deveria retornar um tensor, obteve {got}.",
            what=what,
            got=describe(out),
        )
    return expect_shape(
        out, tuple(x.shape), what=f"activation({what})", context="ProposedActivation()"
    )


@check("3.4", points=1, category="shape")
def check_activation_shape_and_dtype(ctx: CheckContext) -> None:
    activation = _activation(ctx)
    for shape in ((), (1,), (7,), (2, 3, 4), (0, 3), (2, 1, 3, 2)):
        x = torch.as_tensor(ctx.rng.normal(size=shape), dtype=torch.float32)
        out = activation(x)
        what = f"x of shape {shape} (float32)"
        expect(
            isinstance(out, torch.Tensor)
            and tuple(out.shape) == shape
            and out.dtype == torch.float32,
            en="ProposedActivation()(x) for {what} returned {got}; expected a float32 tensor of the same shape.",
            pt="ProposedActivation()(x) para {what} retornou {got}; esperado um tensor float32 da mesma forma.",
            what=what,
            got=describe(out, show_values=False),
        )


@check("3.4", points=2, category="correctness")
def check_activation_is_elementwise(ctx: CheckContext) -> None:
    """Perturbing input j changes output j only (no mixing across a row or across the batch)."""
    activation = _activation(ctx)
    n = 12
    x = torch.as_tensor(ctx.rng.uniform(-3, 3, size=n), dtype=torch.float32)
    base = _forward(activation, x[None, :], "x of shape (1, 12)")[0]
    again = _forward(activation, x[None, :], "x of shape (1, 12)")[0]
    expect(
        np.array_equal(base, again, equal_nan=True),
        en="ProposedActivation() in eval mode gave two different outputs for the same input; it must be deterministic.",
        pt="ProposedActivation() em modo eval deu duas saídas diferentes para a mesma entrada; ela deve ser determinística.",
    )
    batch = x[None, :].repeat(n, 1) + 0.5 * torch.eye(n)
    out = _forward(activation, batch, "a batch of shape (12, 12)")
    off_diagonal = ~np.eye(n, dtype=bool)
    moved = off_diagonal & ~np.isclose(out, base[None, :], rtol=1e-5, atol=1e-6)
    if moved.any():
        row, col = (int(i) for i in np.argwhere(moved)[0])
        fail(
            en="Not elementwise: in a batch whose row {row} equals x except that entry {row} is raised by 0.5, output entry {col} became {got:.6g} instead of {want:.6g} (its value for x alone). Output i must depend on input i only.",
            pt="Não é elemento a elemento: num lote cuja linha {row} é igual a x exceto pela entrada {row}, aumentada em 0.5, a saída na entrada {col} virou {got:.6g} em vez de {want:.6g} (seu valor para x sozinho). A saída i deve depender só da entrada i.",
            row=row,
            col=col,
            got=float(out[row, col]),
            want=float(base[col]),
        )


@check("3.4", points=1, category="correctness")
def check_activation_same_function_everywhere(ctx: CheckContext) -> None:
    """Shuffling and reshaping the input shuffles and reshapes the output: one function phi."""
    activation = _activation(ctx)
    x = torch.as_tensor(ctx.rng.uniform(-4, 4, size=(6, 7)), dtype=torch.float32)
    out = _forward(activation, x, "x of shape (6, 7)").ravel()
    perm = torch.as_tensor(ctx.rng.permutation(42))
    shuffled = _forward(
        activation,
        x.reshape(-1)[perm].reshape(3, 14),
        "the same 42 values shuffled into shape (3, 14)",
    )
    moved = ~np.isclose(shuffled.ravel(), out[perm.numpy()], rtol=1e-5, atol=1e-6)
    if moved.any():
        i = int(np.argmax(moved))
        fail(
            en="The same input value {value:.6g} gives {a:.6g} at one position and {b:.6g} at another (x of shape (6, 7) versus its values shuffled into shape (3, 14)); an activation applies the same function at every position.",
            pt="O mesmo valor de entrada {value:.6g} dá {a:.6g} numa posição e {b:.6g} em outra (x de forma (6, 7) contra seus valores embaralhados na forma (3, 14)); uma ativação aplica a mesma função em toda posição.",
            value=float(x.reshape(-1)[perm][i]),
            a=float(out[perm.numpy()][i]),
            b=float(shuffled.ravel()[i]),
        )


EXTREME_INPUTS = [0.0, 1e-45, -1e-45, 1e-40, -1e-40, 1e-30, -1e-30, 1.0, -1.0, 30.0, -30.0,
                  100.0, -100.0, 1e4, -1e4, 1e30, -1e30]  # fmt: skip


@check("3.4", points=2, category="stability")
def check_activation_finite_on_extreme_inputs(ctx: CheckContext) -> None:
    activation = _activation(ctx)
    x = torch.tensor(EXTREME_INPUTS, dtype=torch.float32)
    what = "x = [0, ±1e-45 (subnormal), ±1e-40, ±1e-30, ±1, ±30, ±100, ±1e4, ±1e30] in float32"
    report = _through_probe(
        ctx.student.put(probes.value_and_grad),
        "ProposedActivation",
        Text(en=f"ProposedActivation()({what})", pt=f"ProposedActivation()({what})"),
        activation,
        x,
    )
    if report["error"] is not None:
        fail(
            en="Taking the gradient of ProposedActivation()(x).sum() for {what} failed: {error}.",
            pt="Calcular o gradiente de ProposedActivation()(x).sum() para {what} falhou: {error}.",
            what=what,
            error=report["error"],
        )
    for key, name_en, name_pt in (("value", "value", "valor"), ("grad", "gradient", "gradiente")):
        array = expect_shape(
            report[key], (len(EXTREME_INPUTS),), what=name_en, context="ProposedActivation()"
        )
        bad = ~np.isfinite(array)
        if bad.any():
            i = int(np.argmax(bad))
            fail(
                en="ProposedActivation(): the {name} at x = {x:g} (float32) is {got}; values and gradients must stay finite on extreme inputs (use numerically stable formulas).",
                pt="ProposedActivation(): o {name_pt} em x = {x:g} (float32) é {got}; valores e gradientes devem ser finitos em entradas extremas (use fórmulas numericamente estáveis).",
                name=name_en,
                name_pt=name_pt,
                x=EXTREME_INPUTS[i],
                got=float(array[i]),
            )


GRID = np.linspace(-6.0, 6.0, 481)


def _activation_on_grid(ctx: CheckContext) -> np.ndarray:
    activation = _activation(ctx)
    values = _forward(
        activation, torch.as_tensor(GRID, dtype=torch.float32), "a grid of 481 points in [-6, 6]"
    )
    if not np.all(np.isfinite(values)):
        fail(
            en="ProposedActivation() is not finite on [-6, 6].",
            pt="ProposedActivation() não é finita em [-6, 6].",
        )
    return values.astype(np.float64)


AFFINE_BASIS, _ = np.linalg.qr(np.column_stack([GRID, np.ones_like(GRID)]))


def _affine_residual(values: np.ndarray) -> np.ndarray:
    """values (last axis on GRID) minus their least-squares fit a * x + c (the nonlinear part)."""
    return values - (values @ AFFINE_BASIS) @ AFFINE_BASIS.T


@check("3.4", points=1, category="correctness")
def check_activation_is_nonlinear(ctx: CheckContext) -> None:
    values = _activation_on_grid(ctx)
    residual = _affine_residual(values)
    spread = float(np.sqrt(np.mean((values - values.mean()) ** 2)))
    relative = float(np.sqrt(np.mean(residual**2))) / max(spread, 1e-30)
    expect(
        spread > 0 and relative > 1e-3,
        en="ProposedActivation() is (numerically) an affine function a*x + c on [-6, 6] (distance to the best affine fit: {rel:.2g} of its spread); a network of linear layers with affine activations is still linear.",
        pt="ProposedActivation() é (numericamente) uma função afim a*x + c em [-6, 6] (distância ao melhor ajuste afim: {rel:.2g} da sua variação); uma rede de camadas lineares com ativações afins continua linear.",
        rel=relative,
    )


def _builtin_activations() -> dict[str, object]:
    import torch.nn.functional as F

    return {
        "relu": F.relu,
        "leaky_relu": lambda x: F.leaky_relu(x, 0.01),
        "gelu": F.gelu,
        "gelu(approximate='tanh')": lambda x: F.gelu(x, approximate="tanh"),
        "tanh": torch.tanh,
        "sigmoid": torch.sigmoid,
        "silu": F.silu,
        "elu": F.elu,
        "softplus": F.softplus,
        "mish": F.mish,
        "selu": F.selu,
        "celu": F.celu,
        "hardtanh": F.hardtanh,
        "hardswish": F.hardswish,
        "hardsigmoid": F.hardsigmoid,
        "relu6": F.relu6,
        "softsign": F.softsign,
        "logsigmoid": F.logsigmoid,
        "tanhshrink": F.tanhshrink,
        "softshrink": F.softshrink,
        "hardshrink": F.hardshrink,
    }


BUILTIN_TOLERANCE = 1e-4


def _closest_builtin(values: np.ndarray) -> tuple[float, str, float, float]:
    """(relative residual, name, beta, shift) of the best fit alpha*g(beta*x + shift) + a*x + c.

    The residual is relative to the nonlinear part of ``values``; below BUILTIN_TOLERANCE the
    function is a built-in activation up to affine maps of its input and output (plus a linear term,
    which makes leaky_relu a relu, say).
    """
    from scipy.optimize import minimize

    target = _affine_residual(values)
    norm = float(target @ target)
    grid = torch.as_tensor(GRID, dtype=torch.float64)
    betas, shifts = np.meshgrid(np.geomspace(1 / 8, 8, 19), np.linspace(-3, 3, 13), indexing="ij")
    betas, shifts = betas.ravel(), shifts.ravel()

    def residual(G: np.ndarray) -> np.ndarray:
        Gp = _affine_residual(np.atleast_2d(G))
        size = np.einsum("ij,ij->i", Gp, Gp)
        dot = Gp @ target
        explained = np.where(size > 1e-300, dot**2 / np.maximum(size, 1e-300), 0.0)
        return np.sqrt(np.maximum(norm - explained, 0.0) / norm)

    best = (np.inf, "", 1.0, 0.0)
    for name, function in _builtin_activations().items():
        with torch.no_grad():
            G = function(
                torch.as_tensor(betas)[:, None] * grid[None, :] + torch.as_tensor(shifts)[:, None]
            )
        scores = residual(G.numpy())
        i = int(np.nanargmin(scores))
        found = (float(scores[i]), name, float(betas[i]), float(shifts[i]))
        if found[0] < 0.02:  # close: refine beta and shift continuously

            def objective(p, function=function):
                with torch.no_grad():
                    g = function(math.exp(p[0]) * grid + p[1]).numpy()
                return float(residual(g)[0])

            result = minimize(
                objective,
                [math.log(found[2]), found[3]],
                method="Nelder-Mead",
                options={"maxiter": 150, "xatol": 1e-6, "fatol": 1e-12},
            )
            if result.fun < found[0]:
                found = (float(result.fun), name, math.exp(result.x[0]), float(result.x[1]))
        if found[0] < best[0]:
            best = found
    return best


@check("3.4", points=2, category="correctness")
def check_activation_is_not_builtin(ctx: CheckContext) -> None:
    """Not a ready-made activation, even after affine maps of input and output (grid on [-6, 6])."""
    values = _activation_on_grid(ctx)
    residual = _affine_residual(values)
    if float(np.sqrt(np.mean(residual**2))) <= 1e-3 * max(float(np.std(values)), 1e-30):
        fail(
            en="ProposedActivation() is numerically the identity (an affine function) on [-6, 6]; propose a nonlinear activation.",
            pt="ProposedActivation() é numericamente a identidade (uma função afim) em [-6, 6]; proponha uma ativação não linear.",
        )
    distance, name, beta, shift = _closest_builtin(values)
    _plot_activation(ctx, values, name, beta, shift)
    expect(
        distance > BUILTIN_TOLERANCE,
        en="ProposedActivation() is numerically torch's {name}: on [-6, 6] it equals alpha*{name}({beta:.3g}*x + {shift:.3g}) + a*x + c up to {distance:.1e} (relative). Propose a function of your own.",
        pt="ProposedActivation() é numericamente a {name} do torch: em [-6, 6] ela é igual a alpha*{name}({beta:.3g}*x + {shift:.3g}) + a*x + c a menos de {distance:.1e} (relativo). Proponha uma função sua.",
        name=name,
        beta=beta,
        shift=shift,
        distance=distance,
    )


def _plot_activation(
    ctx: CheckContext, values: np.ndarray, name: str, beta: float, shift: float
) -> None:
    from matplotlib.figure import Figure

    function = _builtin_activations()[name]
    with torch.no_grad():
        g = function(beta * torch.as_tensor(GRID) + shift).numpy()
    design = np.column_stack([g, GRID, np.ones_like(GRID)])
    coef, *_ = np.linalg.lstsq(design, values, rcond=None)
    figure = Figure(figsize=(5, 3.5))
    axes = figure.add_subplot(1, 1, 1)
    axes.plot(GRID, values, label="ProposedActivation")
    axes.plot(GRID, design @ coef, "--", label=f"closest built-in: {name} (affine fit)")
    axes.set_xlabel("x")
    axes.set_ylabel("phi(x)")
    axes.legend(fontsize=8)
    ctx.attach_figure(
        Text(
            en="The proposed activation and the closest built-in activation",
            pt="A ativação proposta e a ativação pronta mais próxima",
        ),
        figure,
    )


def _circles(seed: int):
    from sklearn.datasets import make_circles

    X, y = make_circles(n_samples=600, noise=0.08, factor=0.5, random_state=seed)
    X, y = X.astype(np.float32), y.astype(np.int64)
    return X[:400], y[:400], X[400:], y[400:]


@check("3.4", points=3, category="behaviour", timeout=60)
def check_activation_mlp_beats_linear(ctx: CheckContext) -> None:
    """The judge's MLP (2 -> 32 -> 32 -> 2, the activation after each hidden layer) on circles."""
    from sklearn.linear_model import LogisticRegression

    activation = _activation(ctx)
    X_train, y_train, X_test, y_test = _circles(3)
    linear = float(LogisticRegression().fit(X_train, y_train).score(X_test, y_test))
    train = ctx.student.put(probes.train_mlp_with_activation)
    model = _through_probe(
        train,
        "ProposedActivation",
        Text(
            en="While the judge trained its MLP (Linear 2->32, activation, Linear 32->32, activation, Linear 32->2) with ProposedActivation",
            pt="Enquanto o corretor treinava seu MLP (Linear 2->32, ativação, Linear 32->32, ativação, Linear 32->2) com ProposedActivation",
        ),
        activation,
        torch.from_numpy(X_train),
        torch.from_numpy(y_train),
        seed=0,
    )
    _expect_handle(model, "module", "training the judge's MLP", Text(en="a model", pt="um modelo"))
    logits = expect_shape(
        model(torch.from_numpy(X_test)), (len(X_test), 2), what="MLP logits", context="judge's MLP"
    )
    accuracy = float((np.argmax(logits, axis=1) == y_test).mean())
    needed = max(0.9, linear + 0.2)
    if accuracy < needed:
        return Partial(
            max(0.0, min(1.0, (accuracy - linear) / (needed - linear))) * 0.5,
            Text(
                en=f"The judge trained an MLP (Linear 2->32, activation, Linear 32->32, activation, Linear 32->2; Adam, 300 full-batch steps) with ProposedActivation on concentric circles: test accuracy {accuracy:.3f}, while logistic regression reaches {linear:.3f}. At least {needed:.2f} is required.",
                pt=f"O corretor treinou um MLP (Linear 2->32, ativação, Linear 32->32, ativação, Linear 32->2; Adam, 300 passos com o lote inteiro) com ProposedActivation em círculos concêntricos: acurácia de teste {accuracy:.3f}, enquanto a regressão logística chega a {linear:.3f}. É preciso ao menos {needed:.2f}.",
            ),
        )
    return None


# ---------------------------------------------------------------------------------------------
# 3.5 the proposed loss


def _loss_report(ctx: CheckContext, logits: torch.Tensor, target: torch.Tensor) -> dict:
    probe = ctx.student.put(probes.LossGradient("proposed_loss"))
    return _through_probe(
        probe,
        "proposed_loss",
        Text(
            en="Computing proposed_loss(logits, target) and its gradient w.r.t. the logits",
            pt="Calculando proposed_loss(logits, target) e seu gradiente em relação aos logits",
        ),
        logits,
        target,
    )


def _loss_value(ctx: CheckContext, logits: torch.Tensor, target: torch.Tensor, what: str) -> float:
    loss = ctx.student.proposed_loss(logits, target)
    if not (isinstance(loss, torch.Tensor) and loss.numel() == 1 and loss.is_floating_point()):
        fail(
            en="proposed_loss({what}) should return a floating-point scalar tensor, got {got}.",
            pt="proposed_loss({what}) deveria retornar um tensor escalar de ponto flutuante, obteve {got}.",
            what=what,
            got=describe(loss),
        )
    return float(loss.reshape(()))


@check("3.5", points=1, category="shape")
def check_loss_is_scalar(ctx: CheckContext) -> None:
    for n, k in ((1, 2), (5, 3), (16, 10)):
        logits = torch.as_tensor(ctx.rng.normal(size=(n, k)), dtype=torch.float32)
        target = torch.as_tensor(ctx.rng.integers(0, k, size=n))
        loss = ctx.student.proposed_loss(logits, target)
        expect(
            isinstance(loss, torch.Tensor) and loss.dim() == 0 and loss.is_floating_point(),
            en="proposed_loss(logits of shape ({n}, {k}), target of shape ({n},)) returned {got}; expected a 0-d floating-point tensor.",
            pt="proposed_loss(logits de forma ({n}, {k}), target de forma ({n},)) retornou {got}; esperado um tensor 0-d de ponto flutuante.",
            n=n,
            k=k,
            got=describe(loss),
        )


EXTREME_LOGITS = [
    ("±1e4", [[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0], [0.0, 0.0, 1e4]], [0, 0, 1]),
    ("±1e30", [[1e30, -1e30, 0.0], [-1e30, 1e30, 0.0], [1e30, 1e30, -1e30]], [0, 0, 2]),
    ("equal huge logits", [[1e30, 1e30, 1e30], [-1e30, -1e30, -1e30], [1e4, 1e4, 1e4]], [0, 1, 2]),
    ("subnormal logits", [[1e-45, -1e-45, 0.0], [1e-40, 0.0, -1e-40], [0.0, 0.0, 0.0]], [0, 1, 2]),
]


@check("3.5", points=2, category="stability")
def check_loss_finite_on_extreme_logits(ctx: CheckContext) -> None:
    for name, logits, target in EXTREME_LOGITS:
        logits_t = torch.tensor(logits, dtype=torch.float32)
        target_t = torch.tensor(target)
        report = _loss_report(ctx, logits_t, target_t)
        call = f"proposed_loss(logits={logits}, target={target}) [{name}, float32]"
        if report["error"] is not None:
            fail(
                en="{call}: {error}.",
                pt="{call}: {error}.",
                call=call,
                error=report["error"],
            )
        loss = _tensor(report["loss"], "the loss", call)
        grad = _tensor(report["grad"], "the gradient", call)
        expect(
            bool(np.all(np.isfinite(loss))),
            en="{call} returned {got}; the loss must stay finite on extreme logits (compute it with log-sum-exp / log_softmax style formulas).",
            pt="{call} retornou {got}; o erro deve ser finito em logits extremos (calcule-o com fórmulas do tipo log-sum-exp / log_softmax).",
            call=call,
            got=describe(report["loss"]),
        )
        expect(
            bool(np.all(np.isfinite(grad))),
            en="{call}: the gradient w.r.t. the logits contains {bad}; it must stay finite on extreme logits.",
            pt="{call}: o gradiente em relação aos logits contém {bad}; ele deve ser finito em logits extremos.",
            call=call,
            bad=sorted({str(v) for v in grad[~np.isfinite(grad)].tolist()}),
        )


@check("3.5", points=2, category="correctness")
def check_loss_gradient_finite_and_nonzero(ctx: CheckContext) -> None:
    for seed in range(4):
        rng = np.random.default_rng(seed)
        n, k = 8, 5
        logits = torch.as_tensor(rng.normal(0, 2, size=(n, k)), dtype=torch.float32)
        target = torch.as_tensor(rng.integers(0, k, size=n))
        report = _loss_report(ctx, logits, target)
        call = f"proposed_loss(logits of shape ({n}, {k}), target) (random logits, seed {seed})"
        if report["error"] is not None:
            fail(
                en="{call}: the gradient w.r.t. the logits could not be computed: {error}. The loss must be built from differentiable torch operations on the logits (no .item(), .numpy(), .detach() or torch.tensor(...) on the way).",
                pt="{call}: o gradiente em relação aos logits não pôde ser calculado: {error}. O erro deve ser feito de operações diferenciáveis do torch sobre os logits (sem .item(), .numpy(), .detach() ou torch.tensor(...) no caminho).",
                call=call,
                error=report["error"],
            )
        grad = expect_shape(
            _tensor(report["grad"], "the gradient", call), (n, k), what="the gradient", context=call
        )
        expect(
            bool(np.all(np.isfinite(grad))) and float(np.abs(grad).max()) > 1e-8,
            en="{call}: the gradient w.r.t. the logits is {got}; it must be finite and not zero, or training cannot move.",
            pt="{call}: o gradiente em relação aos logits é {got}; ele deve ser finito e não nulo, senão o treino não sai do lugar.",
            call=call,
            got=describe(torch.as_tensor(grad)),
        )


def _monotone_case(seed: int):
    rng = np.random.default_rng(seed)
    n, k = 6, 4
    logits = rng.normal(0, 1.5, size=(n, k))
    target = rng.integers(0, k, size=n)
    # start with the correct class below the best wrong one, so every sensible loss is active
    logits[np.arange(n), target] = logits.max(axis=1) - 1.0
    return logits, target


STEPS = np.linspace(0.0, 8.0, 9)


def _plot_loss_curve(
    ctx: CheckContext, logits: np.ndarray, target: np.ndarray, values: np.ndarray
) -> None:
    """The student's loss against the shift of the true logit, next to cross-entropy."""
    from matplotlib.figure import Figure

    onehot = np.eye(logits.shape[1])[target]
    cross_entropy = [
        float(
            torch.nn.functional.cross_entropy(
                torch.as_tensor(logits + t * onehot), torch.as_tensor(target)
            )
        )
        for t in STEPS
    ]
    figure = Figure(figsize=(5, 3.2))
    axes = figure.add_subplot(1, 1, 1)
    axes.plot(STEPS, values, "o-", label="proposed_loss")
    axes.plot(STEPS, cross_entropy, "--", color="grey", label="cross-entropy")
    axes.set_xlabel("t added to every correct-class logit")
    axes.set_ylabel("loss (batch of 6)")
    axes.legend()
    ctx.attach_figure(
        Text(
            en="The proposed loss as the correct-class logits grow",
            pt="O erro proposto quando os logits da classe correta crescem",
        ),
        figure,
    )


@check("3.5", points=2, category="correctness")
def check_loss_decreases_with_true_logit(ctx: CheckContext) -> None:
    for seed in range(3):
        logits, target = _monotone_case(seed)
        onehot = np.eye(logits.shape[1])[target]
        values = []
        for t in STEPS:
            shifted = torch.as_tensor(logits + t * onehot, dtype=torch.float32)
            values.append(_loss_value(ctx, shifted, torch.as_tensor(target), "logits, target"))
        values = np.asarray(values)
        if seed == 0:
            _plot_loss_curve(ctx, logits, target, values)
        rises = np.diff(values) > 1e-6 * max(1.0, float(np.abs(values).max()))
        expect(
            np.all(np.isfinite(values)) and not rises.any() and values[-1] < values[0],
            en="Raising the correct class's logit of every sample by t = {steps} gives losses {values}; the loss must go down (never up) as the correct logit grows.",
            pt="Aumentar o logit da classe correta de cada amostra em t = {steps} dá os erros {values}; o erro deve diminuir (nunca aumentar) quando o logit correto cresce.",
            steps=STEPS.tolist(),
            values=np.round(values, 5).tolist(),
        )


@check("3.5", points=1, category="correctness")
def check_loss_increases_with_wrong_logit(ctx: CheckContext) -> None:
    for seed in range(3):
        logits, target = _monotone_case(seed + 10)
        wrong = (target + 1) % logits.shape[1]
        onehot = np.eye(logits.shape[1])[wrong]
        values = []
        for t in STEPS:
            shifted = torch.as_tensor(logits + t * onehot, dtype=torch.float32)
            values.append(_loss_value(ctx, shifted, torch.as_tensor(target), "logits, target"))
        values = np.asarray(values)
        drops = np.diff(values) < -1e-6 * max(1.0, float(np.abs(values).max()))
        expect(
            np.all(np.isfinite(values)) and not drops.any() and values[-1] > values[0],
            en="Raising a wrong class's logit of every sample by t = {steps} gives losses {values}; the loss must go up (never down) as a wrong logit grows: it has to use the target.",
            pt="Aumentar o logit de uma classe errada de cada amostra em t = {steps} dá os erros {values}; o erro deve aumentar (nunca diminuir) quando um logit errado cresce: ele precisa usar o target.",
            steps=STEPS.tolist(),
            values=np.round(values, 5).tolist(),
        )


@check("3.5", points=3, category="behaviour", timeout=60)
def check_loss_trains_classifier(ctx: CheckContext) -> None:
    """The judge trains a linear classifier on digits with the proposed loss and measures it."""
    from harness.fixtures import digits

    data = digits()
    X_train = torch.as_tensor(np.array(data.X_train))
    y_train = torch.as_tensor(np.array(data.y_train))
    train = ctx.student.put(probes.TrainWithLoss("proposed_loss"))
    model = _through_probe(
        train,
        "proposed_loss",
        Text(
            en="While the judge trained nn.Linear(64, 10) on digits with proposed_loss",
            pt="Enquanto o corretor treinava nn.Linear(64, 10) nos dígitos com proposed_loss",
        ),
        X_train,
        y_train,
        seed=0,
    )
    _expect_handle(
        model, "module", "training the judge's classifier", Text(en="a model", pt="um modelo")
    )
    logits = expect_shape(
        model(torch.as_tensor(np.array(data.X_test))),
        (len(data.y_test), 10),
        what="logits",
        context="judge's classifier",
    )
    accuracy = float((np.argmax(logits, axis=1) == data.y_test).mean())
    if accuracy < 0.8:
        return Partial(
            max(0.0, (accuracy - 0.1) / 0.7) * 0.5,
            Text(
                en=f"The judge trained nn.Linear(64, 10) on the digits training split with proposed_loss (Adam lr=0.05, 150 full-batch steps): test accuracy {accuracy:.3f} (chance is 0.10); at least 0.80 is required.",
                pt=f"O corretor treinou nn.Linear(64, 10) no treino dos dígitos com proposed_loss (Adam lr=0.05, 150 passos com o lote inteiro): acurácia de teste {accuracy:.3f} (o acaso é 0.10); é preciso ao menos 0.80.",
            ),
        )
    return None


# ---------------------------------------------------------------------------------------------
# 3.6 grid search and performance prediction


def _table(space: dict, seed: int) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    return {probes.config_key(c): float(np.round(rng.uniform(0, 1), 6)) for c in _product(space)}


SPACES = [
    {
        "optimizer": ["sgd", "momentum", "adam"],
        "init": ["xavier", "kaiming"],
        "lr": [1e-4, 1e-3, 1e-2, 1e-1],
    },
    {
        "optimizer": ["sgd", "adam"],
        "init": ["xavier", "kaiming", "normal"],
        "lr": [0.001, 0.1],
        "batch_size": [16, 128],
    },
    {"lr": [0.01, 0.1, 1.0], "optimizer": ["adam"], "init": ["orthogonal", "xavier"]},
]


def _grid_search(ctx: CheckContext, space: dict, seed: int):
    table = _table(space, seed)
    evaluate = ctx.student.put(probes.RecordingEvaluate(table))
    results = ctx.student.grid_search({k: list(v) for k, v in space.items()}, evaluate)
    call = f"grid_search({space}, evaluate)"
    return results, evaluate, table, call


def _shape_name(space: dict) -> str:
    return " x ".join(str(len(v)) for v in space.values())


@check("3.6", points=2, category="correctness")
def check_grid_search_covers_full_product(ctx: CheckContext) -> None:
    for i, space in enumerate(SPACES):
        results, _, table, call = _grid_search(ctx, space, i)
        keys = _result_keys(results, call)
        missing = sorted(set(table) - set(keys))
        extra = sorted(set(keys) - set(table))
        expect(
            not missing and not extra and len(keys) == len(table),
            en="{call}: expected {n} results, one per combination of the {shape} product; got {got} results, {missing} combination(s) missing (e.g. {example}) and {extra} unexpected.",
            pt="{call}: esperados {n} resultados, um por combinação do produto {shape}; obtidos {got} resultados, {missing} combinação(ões) faltando (por exemplo {example}) e {extra} inesperada(s).",
            call=call,
            n=len(table),
            shape=_shape_name(space),
            got=len(keys),
            missing=len(missing),
            example=_show_key(missing[0]) if missing else "-",
            extra=len(extra),
        )


@check("3.6", points=2, category="correctness")
def check_grid_search_evaluates_each_config_once(ctx: CheckContext) -> None:
    for i, space in enumerate(SPACES[:2]):
        _, evaluate, table, call = _grid_search(ctx, space, i)
        calls = list(evaluate.get("calls"))
        counts: dict[str, int] = {}
        for key in calls:
            counts[key] = counts.get(key, 0) + 1
        repeated = sorted(k for k, v in counts.items() if v > 1)
        never = sorted(set(table) - set(counts))
        expect(
            not repeated and not never,
            en="{call}: evaluate() was called {calls} times for {n} configurations; {repeated} configuration(s) were evaluated more than once (e.g. {example_r}) and {never} never (e.g. {example_n}). Each evaluation may cost a full training run: evaluate every configuration exactly once.",
            pt="{call}: evaluate() foi chamada {calls} vezes para {n} configurações; {repeated} configuração(ões) foram avaliadas mais de uma vez (por exemplo {example_r}) e {never} nunca (por exemplo {example_n}). Cada avaliação pode custar um treino inteiro: avalie cada configuração exatamente uma vez.",
            call=call,
            calls=len(calls),
            n=len(table),
            repeated=len(repeated),
            example_r=_show_key(repeated[0]) if repeated else "-",
            never=len(never),
            example_n=_show_key(never[0]) if never else "-",
        )


@check("3.6", points=1, category="correctness")
def check_grid_search_reports_evaluate_scores(ctx: CheckContext) -> None:
    """Each result's score is the number evaluate() returned for that configuration."""
    space = SPACES[0]
    results, _, table, call = _grid_search(ctx, space, 7)
    keys = _result_keys(results, call)
    for key, row in zip(keys, results):
        score = row["score"]
        ok = isinstance(score, int | float | np.number) and not isinstance(score, bool)
        expect(
            ok
            and key in table
            and math.isclose(float(score), table[key], rel_tol=1e-9, abs_tol=1e-12),
            en="{call}: the result for {config} has score {got}, but evaluate() returned {want} for it; report the score evaluate() gave (as a number).",
            pt="{call}: o resultado de {config} tem score {got}, mas evaluate() retornou {want} para ela; informe o score dado por evaluate() (como número).",
            call=call,
            config=_show_key(key),
            got=describe(score),
            want=table.get(key, "nothing (unknown configuration)"),
        )


@check("3.6", points=1, category="side-effects")
def check_grid_search_leaves_space_unchanged(ctx: CheckContext) -> None:
    space = SPACES[1]
    evaluate = ctx.student.put(probes.RecordingEvaluate(_table(space, 3)))
    given = {k: list(v) for k, v in space.items()}
    _, args, _ = ctx.student.grid_search.call_with_inputs(given, evaluate)
    expect(
        args[0] == space,
        en="grid_search(space, evaluate) modified space: it was {before} and became {after}.",
        pt="grid_search(space, evaluate) modificou space: era {before} e virou {after}.",
        before=space,
        after=describe(args[0]),
    )


def _surface(seed: int, extra_axis: bool):
    """A smooth synthetic score over (optimizer, init, lr[, batch_size]); train / held-out parts."""
    rng = np.random.default_rng(seed)
    optimizers, inits = ["sgd", "momentum", "adam"], ["xavier", "kaiming", "normal"]
    lrs = [float(v) for v in np.geomspace(1e-4, 1.0, 9)]
    offset_opt = dict(zip(optimizers, rng.uniform(-0.1, 0.1, 3)))
    offset_init = dict(zip(inits, rng.uniform(-0.1, 0.1, 3)))
    best_log_lr = dict(zip(optimizers, rng.uniform(-3.5, -0.5, 3)))
    batch_slope = float(rng.uniform(-0.03, 0.03))

    def score(config: dict) -> float:
        value = (
            0.7
            + offset_opt[config["optimizer"]]
            + offset_init[config["init"]]
            - 0.03 * (math.log10(config["lr"]) - best_log_lr[config["optimizer"]]) ** 2
        )
        if extra_axis:
            value += batch_slope * math.log2(config["batch_size"] / 16)
        return float(value)

    space = {"optimizer": optimizers, "init": inits, "lr": lrs}
    if extra_axis:
        space["batch_size"] = [16, 32, 64, 128]
    configs = _product(space)
    seen = [c for c in configs if lrs.index(c["lr"]) % 2 == 0]
    unseen = [c for c in configs if lrs.index(c["lr"]) % 2 == 1]
    order = rng.permutation(len(seen))
    held = [seen[i] for i in order[:6]]
    seen = [seen[i] for i in order[6:]]
    train = [{"config": c, "score": score(c)} for c in seen]
    test = [(c, score(c)) for c in unseen + held]
    return train, test


def _predictor(ctx: CheckContext, train: list) -> object:
    predictor = ctx.student.fit_performance_predictor(train)
    call = "fit_performance_predictor(results)"
    return _expect_handle(
        predictor,
        "callable",
        call,
        Text(en="a callable predict(config)", pt="uma função predict(config)"),
    )


def _predict(predictor, config: dict) -> float:
    value = predictor(config)
    ok = isinstance(value, int | float | np.number) and not isinstance(value, bool)
    if isinstance(value, torch.Tensor | np.ndarray) and np.asarray(value).size == 1:
        value, ok = float(np.asarray(value).reshape(())), True
    if not ok or not math.isfinite(float(value)):
        fail(
            en="predict({config}) should return a finite number, got {got}.",
            pt="predict({config}) deveria retornar um número finito, obteve {got}.",
            config=config,
            got=describe(value),
        )
    return float(value)


@check("3.6", points=1, category="shape")
def check_predictor_returns_numbers(ctx: CheckContext) -> None:
    train, test = _surface(1, extra_axis=False)
    predictor = _predictor(ctx, train)
    for config in [train[0]["config"], train[5]["config"], test[0][0], test[-1][0]]:
        _predict(predictor, dict(config))


@check("3.6", points=3, category="behaviour")
def check_predictor_beats_mean_on_unseen_configs(ctx: CheckContext) -> None:
    """On held-out configurations (unseen learning rates, unseen combinations) of a smooth surface."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 3.5))
    outcomes = []
    for panel, (seed, extra) in enumerate(((2, False), (5, True))):
        train, test = _surface(seed, extra)
        predictor = _predictor(ctx, train)
        truth = np.array([s for _, s in test])
        predicted = np.array([_predict(predictor, dict(c)) for c, _ in test])
        mean = float(np.mean([row["score"] for row in train]))
        mse, baseline = (
            float(np.mean((predicted - truth) ** 2)),
            float(np.mean((mean - truth) ** 2)),
        )
        outcomes.append((len(train[0]["config"]), mse, baseline))
        axes = figure.add_subplot(1, 2, panel + 1)
        axes.scatter(truth, predicted, s=12)
        low, high = float(truth.min()), float(truth.max())
        axes.plot([low, high], [low, high], color="grey", linestyle="--")
        axes.axhline(mean, color="red", linestyle=":", label="mean of observed scores")
        axes.set_xlabel("true score (held out)")
        axes.set_ylabel("predicted")
        axes.set_title(
            f"{len(train[0]['config'])} hyperparameters: MSE {mse:.4f} vs {baseline:.4f}",
            fontsize=9,
        )
        axes.legend(fontsize=7)
    ctx.attach_figure(
        Text(
            en="Predicted vs true score on held-out configurations",
            pt="Score previsto x verdadeiro em configurações retidas",
        ),
        figure,
    )
    for axes_count, mse, baseline in outcomes:
        expect(
            mse <= 0.75 * baseline,
            en="On a smooth synthetic surface over {k} hyperparameters, predict(config) on held-out configurations (learning rates between the observed ones, and unobserved combinations) has mean squared error {mse:.4g}, while predicting the mean observed score has {baseline:.4g}; at most {limit:.4g} (75%) is required. Encode categorical values (one-hot) and the learning rate on a log scale, then fit a regression.",
            pt="Numa superfície sintética suave sobre {k} hiperparâmetros, predict(config) nas configurações retidas (taxas de aprendizado entre as observadas e combinações não observadas) tem erro quadrático médio {mse:.4g}, enquanto prever a média dos scores observados tem {baseline:.4g}; é preciso no máximo {limit:.4g} (75%). Codifique valores categóricos (one-hot) e a taxa de aprendizado em escala log, e ajuste uma regressão.",
            k=axes_count,
            mse=mse,
            baseline=baseline,
            limit=0.75 * baseline,
        )


@check("3.6", points=1, category="side-effects")
def check_predictor_leaves_results_unchanged(ctx: CheckContext) -> None:
    train, _ = _surface(4, extra_axis=True)
    _, args, _ = ctx.student.fit_performance_predictor.call_with_inputs(train)
    expect(
        args[0] == train,
        en="fit_performance_predictor(results) modified results (e.g. the first entry became {got}, it was {want}); work on copies.",
        pt="fit_performance_predictor(results) modificou results (por exemplo a primeira entrada virou {got}, era {want}); trabalhe com cópias.",
        got=describe(args[0][0] if isinstance(args[0], list) and args[0] else args[0]),
        want=describe(train[0]),
    )


# END HIDDEN
