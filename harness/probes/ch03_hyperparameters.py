"""Instrumented helpers that the ch03_hyperparameters grader sends into the worker.

The judge never runs student code, so whatever must happen *around* a student's function (switching
autograd off, taking a gradient, training a small judge-designed model, counting calls) happens
here, in the worker, and only plain data or handles go back. This module imports only the standard
library, numpy and torch, holds nothing secret, and every object in it pickles by reference, so
``ctx.student.put(...)`` can ship it to the worker.

* :class:`HandDerivedCall` calls a submission function with autograd disabled and reports any use
  of the autograd engine (``backward``, ``torch.autograd.grad``, ``torch.func``...) or of forward-mode
  AD (dual tensors, ``torch.func.jvp``), so hand-derived gradients can be told from autograd ones.
* :func:`value_and_grad` and :class:`LossGradient` evaluate an activation module / a loss function
  and its gradient.
* :func:`run_scheduler`, :func:`round_trip_scheduler` drive an LR scheduler next to its optimizer;
  :func:`resume_after_each_checkpoint` checkpoints and resumes the submission's scheduler at many
  steps.
* :func:`train_mlp_with_activation`, :class:`TrainWithLoss` train judge-designed models (fixed
  architecture, seed and recipe) around a student's activation or loss.
* :class:`RecordingEvaluate` is a deterministic ``evaluate(config) -> score`` that records every
  call, so the judge can tell how often each configuration was evaluated.
"""

from __future__ import annotations

import copy
import json
import math
import sys
from typing import Any

import torch
from torch import nn

#: the name under which the worker imports the submission (see harness/sandbox/worker.py)
SUBMISSION_MODULE = "submission"


def _submission_function(name: str) -> Any:
    module = sys.modules.get(SUBMISSION_MODULE)
    if module is None:
        raise RuntimeError("no submission is imported in this worker")
    if not hasattr(module, name):
        raise AttributeError(f"the submission does not define `{name}`")
    return getattr(module, name)


def _describe_error(exc: BaseException) -> str:
    try:
        text = str(exc)
    except BaseException:
        text = "<message could not be printed>"
    if len(text) > 500:
        text = text[:500] + " [...]"
    return f"{type(exc).__name__}: {text}"


# ---------------------------------------------------------------------------------------------
# 3.1: hand-derived gradients


class _AutogradSpy:
    """Counts calls into the autograd engine and into forward-mode AD while it is active.

    Reverse mode (``Tensor.backward``, ``torch.autograd.grad``, ``torch.func.grad/vjp``,
    ``torch.autograd.functional``) always reaches ``_engine_run_backward``; forward mode
    (``torch.autograd.forward_ad``, ``torch.func.jvp``) enters a dual level and makes dual tensors
    through ``torch._functorch.predispatch``. Both are looked up at call time, so wrapping the
    module attributes sees every use, even through names imported before the call.
    """

    def __init__(self) -> None:
        self.engine_calls = 0
        self.forward_ad_calls = 0
        self._saved: list[tuple[Any, str, Any]] = []

    def _wrap(self, owner: Any, name: str, counter: str) -> None:
        original = getattr(owner, name, None)
        if original is None:
            return
        spy = self

        def counted(*args: Any, **kwargs: Any) -> Any:
            setattr(spy, counter, getattr(spy, counter) + 1)
            return original(*args, **kwargs)

        self._saved.append((owner, name, original))
        setattr(owner, name, counted)

    def __enter__(self) -> _AutogradSpy:
        import torch._functorch.predispatch as predispatch
        import torch.autograd
        import torch.autograd.graph

        self._wrap(torch.autograd, "_engine_run_backward", "engine_calls")
        if torch.autograd.graph._engine_run_backward is not getattr(
            torch.autograd, "_engine_run_backward", None
        ):
            self._wrap(torch.autograd.graph, "_engine_run_backward", "engine_calls")
        self._wrap(predispatch, "_enter_dual_level", "forward_ad_calls")
        self._wrap(predispatch, "_make_dual", "forward_ad_calls")
        return self

    def __exit__(self, *exc: object) -> None:
        for owner, name, value in reversed(self._saved):
            setattr(owner, name, value)
        self._saved.clear()


class HandDerivedCall:
    """``HandDerivedCall("f")(*args)`` runs the submission's ``f(*args)`` under ``torch.no_grad()``.

    Returns ``{"result", "error", "autograd_calls", "forward_ad_calls"}``: ``error`` is the text of
    an exception raised by the function (``NotImplementedError`` is re-raised so that an unfinished
    stub reads as such), ``autograd_calls`` counts calls into the autograd engine.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, *args: Any) -> dict[str, Any]:
        function = _submission_function(self.name)
        report: dict[str, Any] = {"result": None, "error": None}
        with _AutogradSpy() as spy:
            try:
                with torch.no_grad():
                    report["result"] = function(*args)
            except NotImplementedError:
                raise
            except Exception as exc:
                report["error"] = _describe_error(exc)
        report["autograd_calls"] = spy.engine_calls
        report["forward_ad_calls"] = spy.forward_ad_calls
        return report


# ---------------------------------------------------------------------------------------------
# 3.3: learning-rate schedulers


def _learning_rates(optimizer: Any) -> list[float]:
    return [float(group["lr"]) for group in optimizer.param_groups]


def sgd_over_rate_groups(rates: list[float]) -> torch.optim.SGD:
    """SGD (momentum 0.9) with one two-parameter group per initial rate, built here in the worker,
    so that the judge never constructs an optimizer (and never pays torch._dynamo's import)."""
    return torch.optim.SGD(
        [{"params": [nn.Parameter(torch.zeros(2))], "lr": float(rate)} for rate in rates],
        lr=float(rates[0]),
        momentum=0.9,
    )


def run_scheduler(scheduler: Any, optimizer: Any, steps: int) -> dict[str, Any]:
    """The rate of every param group before training and after each of ``steps`` scheduler steps.

    Each step runs ``optimizer.step()`` then ``scheduler.step()``, as a training loop does. Returns
    ``{"lrs": (steps + 1) x groups list, "last_lr": scheduler.get_last_lr()}``.
    """
    lrs = [_learning_rates(optimizer)]
    for _ in range(int(steps)):
        optimizer.step()
        scheduler.step()
        lrs.append(_learning_rates(optimizer))
    last = scheduler.get_last_lr()
    return {"lrs": lrs, "last_lr": [float(v) for v in last]}


def round_trip_scheduler(
    scheduler: Any, optimizer: Any, fresh_scheduler: Any, fresh_optimizer: Any
) -> None:
    """Checkpoint and resume: copy (deep) both state_dicts into the fresh pair, as torch.load would."""
    optimizer_state = copy.deepcopy(optimizer.state_dict())
    scheduler_state = copy.deepcopy(scheduler.state_dict())
    fresh_optimizer.load_state_dict(optimizer_state)
    fresh_scheduler.load_state_dict(scheduler_state)


def resume_after_each_checkpoint(
    rates: list[float], total_steps: int, checkpoints: list[int], after: int
) -> list[dict[str, Any]]:
    """Checkpoint and resume the submission's ``ProposedScheduler`` at each of ``checkpoints``.

    For each ``k``: an SGD with one param group per rate in ``rates`` and a scheduler run ``k``
    steps; both state_dicts go into a fresh pair (:func:`round_trip_scheduler`); then the original
    pair runs ``after`` more steps, and the resumed pair the same. Returns, for each ``k``,
    ``{"original": lrs, "resumed": lrs}`` (each ``(after + 1) x groups``, as :func:`run_scheduler`).
    """
    cls = _submission_function("ProposedScheduler")

    def pair() -> tuple[Any, Any]:
        groups = [{"params": [nn.Parameter(torch.zeros(2))], "lr": lr} for lr in rates]
        optimizer = torch.optim.SGD(groups, lr=rates[0], momentum=0.9)
        return optimizer, cls(optimizer, total_steps)

    curves = []
    for k in checkpoints:
        optimizer, scheduler = pair()
        run_scheduler(scheduler, optimizer, k)
        fresh_optimizer, fresh = pair()
        round_trip_scheduler(scheduler, optimizer, fresh, fresh_optimizer)
        original = run_scheduler(scheduler, optimizer, after)["lrs"]
        curves.append(
            {"original": original, "resumed": run_scheduler(fresh, fresh_optimizer, after)["lrs"]}
        )
    return curves


# ---------------------------------------------------------------------------------------------
# 3.4: activations


def value_and_grad(module: Any, x: torch.Tensor) -> dict[str, Any]:
    """``module(x)`` and the gradient of ``module(x).sum()`` w.r.t. ``x`` (``error`` if it fails)."""
    x = x.detach().clone().requires_grad_(True)
    value = module(x)
    report: dict[str, Any] = {"value": value, "grad": None, "error": None}
    if not isinstance(value, torch.Tensor):
        report["error"] = f"the forward pass returned {type(value).__name__}, not a tensor"
        return report
    try:
        (grad,) = torch.autograd.grad(value.sum(), x)
        report["grad"] = grad
    except Exception as exc:
        report["error"] = _describe_error(exc)
    report["value"] = value.detach()
    return report


def mlp_around(activation: nn.Module, in_features: int, hidden: int, classes: int) -> nn.Module:
    """The judge's MLP: Linear -> activation -> Linear -> activation -> Linear (copies of it)."""
    return nn.Sequential(
        nn.Linear(in_features, hidden),
        copy.deepcopy(activation),
        nn.Linear(hidden, hidden),
        copy.deepcopy(activation),
        nn.Linear(hidden, classes),
    )


def train_mlp_with_activation(
    activation: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    *,
    hidden: int = 32,
    steps: int = 300,
    lr: float = 0.01,
    seed: int = 0,
) -> nn.Module:
    """Full-batch Adam on cross-entropy for a fixed number of steps; the model in eval mode."""
    torch.manual_seed(seed)
    classes = int(y.max()) + 1
    model = mlp_around(activation, X.shape[1], hidden, classes)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    for _ in range(int(steps)):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(X), y)
        loss.backward()
        optimizer.step()
    return model.eval()


# ---------------------------------------------------------------------------------------------
# 3.5: losses


class LossGradient:
    """``LossGradient("proposed_loss")(logits, target)`` -> loss and its gradient w.r.t. logits."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, logits: torch.Tensor, target: torch.Tensor) -> dict[str, Any]:
        function = _submission_function(self.name)
        logits = logits.detach().clone().requires_grad_(True)
        loss = function(logits, target)
        report: dict[str, Any] = {"loss": loss, "grad": None, "error": None}
        if not isinstance(loss, torch.Tensor):
            report["error"] = f"the loss is a {type(loss).__name__}, not a torch tensor"
            return report
        try:
            (grad,) = torch.autograd.grad(loss.sum(), logits)
            report["grad"] = grad
        except Exception as exc:
            report["error"] = _describe_error(exc)
        report["loss"] = loss.detach()
        return report


class TrainWithLoss:
    """Trains the judge's linear classifier with the submission's loss (fixed seed and recipe)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(
        self,
        X: torch.Tensor,
        y: torch.Tensor,
        *,
        steps: int = 150,
        lr: float = 0.05,
        seed: int = 0,
    ) -> nn.Module:
        function = _submission_function(self.name)
        torch.manual_seed(seed)
        model = nn.Linear(X.shape[1], int(y.max()) + 1)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        for _ in range(int(steps)):
            optimizer.zero_grad()
            loss = function(model(X), y)
            loss.backward()
            optimizer.step()
        return model.eval()


# ---------------------------------------------------------------------------------------------
# 3.6: hyperparameter search


def _plain(value: Any) -> Any:
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        try:
            return value.item()
        except (TypeError, ValueError):
            return value
    return value


def config_key(config: Any) -> str:
    """A canonical text for a configuration dict (numpy scalars read as Python numbers)."""
    if not isinstance(config, dict):
        raise TypeError(f"a configuration must be a dict, got {type(config).__name__}")
    items = sorted((str(k), repr(_plain(v))) for k, v in config.items())
    return json.dumps(items)


class RecordingEvaluate:
    """``evaluate(config) -> float`` from a table of scores; every call is kept in ``calls``.

    An unknown configuration raises ``KeyError`` naming it. ``calls`` holds the canonical keys
    (:func:`config_key`) of the configurations in the order they were evaluated.
    """

    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = dict(scores)
        self.calls: list[str] = []

    def __call__(self, config: Any) -> float:
        key = config_key(config)
        self.calls.append(key)
        if key not in self.scores:
            raise KeyError(f"evaluate() does not know the configuration {config!r}")
        score = self.scores[key]
        if not math.isfinite(score):  # pragma: no cover - the judge builds finite tables
            raise ValueError("non-finite score")
        return float(score)
