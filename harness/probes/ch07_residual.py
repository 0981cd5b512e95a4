"""The shipped residual network of ch07_residual, and the helpers its grader sends into the worker.

Nothing here is secret and everything imports only the standard library and torch, so the judge
can pickle a :class:`ResidualMLP` (the trained net of exercise 7.5, weights in
``graders/fixtures/ch07_residual_mlp_trained.safetensors``) or one of the functions below into the
student's worker with ``ctx.student.put``; the worker unpickles them by importing this module.

* :class:`ResidualMLP` / :class:`ResidualBlock`: ``stem`` Linear, ``blocks`` (an ``nn.ModuleList``)
  whose block ``i`` computes ``y_i = y_{i-1} + branch_i(y_{i-1})`` with no activation after the
  sum, and a ``head``. Students get the same class (their ``grade check`` uses it).
* :func:`first_last_gradients` re-initialises a model with the judge's seed, runs one backward pass
  in eval mode and reports the gradient norms of the first and the last ``nn.Linear`` the forward
  pass runs (7.2: do the skips keep the gradient at the first layer?).
* :func:`output_spread_with_inner_layers_zeroed` zeroes every parameter except those of the first
  and the last ``nn.Linear`` run and reports how much the output still varies with the input (7.2:
  with every block silenced, only the skips can carry the input to the head).
* :func:`output_change_per_module` perturbs the parameters of one submodule at a time and reports
  how much the output moves (7.1: does every block feed the output?).
* :func:`train_steps` runs a few Adam steps and reports the losses and which parameters got no
  gradient (7.3).
* :func:`dense_concat_perturbation` perturbs the output of each hidden ``nn.Linear`` while holding
  the later ones fixed and reports what reaches the output layer (7.4: does the output layer read
  every hidden layer directly?).

The probes report plain data (numbers, lists, dicts); a problem of the model they are given (no
``nn.Linear``, an output that is not a tensor) comes back as ``{"problem": "..."}``, and an
exception of the student's own code propagates, so the judge can say whose it was.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import nn

#: the shipped net: 64 pixels -> 32 -> 6 residual blocks -> 10 classes
IN_FEATURES, WIDTH, N_BLOCKS, N_CLASSES = 64, 32, 6, 10


class ResidualBlock(nn.Module):
    """``x + branch(x)``: the branch is Linear, BatchNorm1d, ReLU, Linear; nothing after the sum."""

    def __init__(self, width: int = 32) -> None:
        super().__init__()
        linear = [nn.Linear(width, width) for _ in range(2)]  # created in the branch's order
        self.branch = nn.Sequential(linear[0], nn.BatchNorm1d(width), nn.ReLU(), linear[1])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.branch(x)


class ResidualMLP(nn.Module):
    """``stem`` Linear(in_features, width), ``blocks`` (residual, width -> width), ``head`` ReLU +
    Linear(width, n_classes); ``forward`` returns logits."""

    def __init__(
        self,
        in_features: int = IN_FEATURES,
        width: int = WIDTH,
        n_blocks: int = N_BLOCKS,
        n_classes: int = N_CLASSES,
    ) -> None:
        super().__init__()
        self.stem = nn.Linear(in_features, width)
        self.blocks = nn.ModuleList(ResidualBlock(width) for _ in range(n_blocks))
        self.head = nn.Sequential(nn.ReLU(), nn.Linear(width, n_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.stem(x)
        for block in self.blocks:
            h = block(h)
        return self.head(h)


# ---------------------------------------------------------------------------------------------
# Probes


def _linear_calls(model: nn.Module, run: Callable[[], Any]) -> tuple[Any, list[nn.Linear]]:
    """Run ``run()`` and return its value and the ``nn.Linear`` modules of ``model`` in the order
    the forward pass first ran them."""
    order: list[nn.Module] = []
    handles = [
        module.register_forward_hook(lambda m, inputs, output: order.append(m))
        for module in model.modules()
        if isinstance(module, nn.Linear)
    ]
    try:
        value = run()
    finally:
        for handle in handles:
            handle.remove()
    return value, list(dict.fromkeys(order))


def _inputs(X: Any, y: Any = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    x = torch.as_tensor(X, dtype=torch.float32)
    return x, (None if y is None else torch.as_tensor(y, dtype=torch.int64))


def _tensor_problem(out: Any, rows: int) -> str | None:
    if not isinstance(out, torch.Tensor):
        return f"the forward pass returned {type(out).__name__}, not a tensor"
    if out.dim() != 2 or out.shape[0] != rows:
        return f"the forward pass returned a tensor of shape {tuple(out.shape)}, not (n, classes)"
    return None


def first_last_gradients(model: nn.Module, X: Any, y: Any, seed: int = 0) -> dict[str, Any]:
    """Re-initialise ``model`` (``reset_parameters()`` of every module, in registration order,
    after ``torch.manual_seed(seed)``), put it in eval mode, run cross-entropy on (X, y) backward,
    and report the gradient norms of the weights of the first and the last ``nn.Linear`` run."""
    torch.manual_seed(seed)
    for layer in model.modules():
        reset = getattr(layer, "reset_parameters", None)
        if callable(reset):
            reset()
    model.eval()
    model.zero_grad(set_to_none=True)
    x, target = _inputs(X, y)
    with torch.set_grad_enabled(True):
        out, linears = _linear_calls(model, lambda: model(x))
        if len(linears) < 2:
            return {"problem": f"the forward pass ran {len(linears)} nn.Linear layer(s)"}
        problem = _tensor_problem(out, len(x))
        if problem:
            return {"problem": problem}
        if not out.requires_grad:
            return {"problem": "the output does not depend on any parameter (no gradient flows)"}
        loss = nn.functional.cross_entropy(out, target)
        loss.backward()

    def norm(layer: nn.Linear) -> float:
        grad = layer.weight.grad
        return float(grad.norm()) if grad is not None else 0.0

    first, last = linears[0], linears[-1]
    return {
        "linears": len(linears),
        "first": norm(first),
        "last": norm(last),
        "first_shape": list(first.weight.shape),
        "last_shape": list(last.weight.shape),
        "loss": float(loss.detach()),
    }


@torch.no_grad()
def output_spread_with_inner_layers_zeroed(model: nn.Module, X: Any) -> dict[str, Any]:
    """Zero every parameter except those of the first and the last ``nn.Linear`` the forward pass
    runs (eval mode); report the largest difference between the outputs of two inputs."""
    model.eval()
    x, _ = _inputs(X)
    _, linears = _linear_calls(model, lambda: model(x))
    if len(linears) < 2:
        return {"problem": f"the forward pass ran {len(linears)} nn.Linear layer(s)"}
    kept = {id(p) for layer in (linears[0], linears[-1]) for p in layer.parameters()}
    zeroed = 0
    for parameter in model.parameters():
        if id(parameter) not in kept:
            parameter.zero_()
            zeroed += parameter.numel()
    out = model(x)
    problem = _tensor_problem(out, len(x))
    if problem:
        return {"problem": problem}
    out = out.detach().double()
    return {
        "zeroed": zeroed,
        "finite": bool(torch.isfinite(out).all()),
        "spread": float((out - out[:1]).abs().max()),
    }


@torch.no_grad()
def output_change_per_module(
    model: nn.Module, X: Any, names: list[str], scale: float = 0.5, seed: int = 0
) -> dict[str, Any]:
    """For each named submodule: add ``scale`` x Gaussian noise to its parameters, run the model
    (eval mode), put the parameters back; report the largest change of the output."""
    model.eval()
    x, _ = _inputs(X)
    modules = dict(model.named_modules())
    missing = [name for name in names if name not in modules]
    if missing:
        return {"problem": f"the model has no submodules named {missing}"}
    base = model(x)
    problem = _tensor_problem(base, len(x))
    if problem:
        return {"problem": problem}
    generator = torch.Generator().manual_seed(seed)
    changes = []
    for name in names:
        parameters = list(modules[name].parameters())
        saved = [p.detach().clone() for p in parameters]
        for p in parameters:
            p.add_(scale * torch.randn(tuple(p.shape), generator=generator).to(p.dtype))
        try:
            out = model(x)
        finally:
            for p, value in zip(parameters, saved):
                p.copy_(value)
        problem = _tensor_problem(out, len(x))
        if problem:
            return {"problem": problem}
        changes.append(float((out.double() - base.double()).abs().max()))
    return {"changes": changes}


def train_steps(
    model: nn.Module, X: Any, y: Any, steps: int = 10, lr: float = 1e-2, seed: int = 0
) -> dict[str, Any]:
    """``steps`` Adam steps of cross-entropy on (X, y) in train mode; the losses, and the
    parameters that got no gradient or a non-finite one on the first step."""
    torch.manual_seed(seed)
    x, target = _inputs(X, y)
    named = [(name, p) for name, p in model.named_parameters() if p.requires_grad]
    if not named:
        return {"problem": "the model has no trainable parameter"}
    optimizer = torch.optim.Adam([p for _, p in named], lr=lr)
    model.train()
    losses: list[float] = []
    missing: list[str] = []
    nonfinite: list[str] = []
    for step in range(steps):
        optimizer.zero_grad(set_to_none=True)
        out = model(x)
        problem = _tensor_problem(out, len(x))
        if problem:
            return {"problem": problem}
        loss = nn.functional.cross_entropy(out, target)
        loss.backward()
        if step == 0:
            missing = [name for name, p in named if p.grad is None]
            nonfinite = [
                name
                for name, p in named
                if p.grad is not None and not bool(torch.isfinite(p.grad).all())
            ]
        losses.append(float(loss.detach()))
        optimizer.step()
    return {"losses": losses, "missing": missing, "nonfinite": nonfinite}


@torch.no_grad()
def dense_concat_perturbation(model: nn.Module, X: Any, delta: float = 3.0) -> dict[str, Any]:
    """The hidden layers are the ``nn.Linear`` modules the forward pass runs before the last one
    (the output layer). For each hidden layer i: add ``delta`` to its output while the outputs of
    the later hidden layers are held at their unperturbed values, and report how many columns of
    the output layer's input and how much of the model's output changed (eval mode)."""
    model.eval()
    x, _ = _inputs(X)
    clean: dict[int, torch.Tensor] = {}
    seen: list[torch.Tensor] = []

    def record(module: nn.Module, inputs: Any, output: Any) -> None:
        if isinstance(output, torch.Tensor) and id(module) not in clean:
            clean[id(module)] = output.detach().clone()

    out0, linears = _linear_calls(model, lambda: _with_hooks(model, record, lambda: model(x)))
    if len(linears) < 2:
        return {"problem": f"the forward pass ran {len(linears)} nn.Linear layer(s)"}
    problem = _tensor_problem(out0, len(x))
    if problem:
        return {"problem": problem}
    hidden, output_layer = linears[:-1], linears[-1]

    def read_input(module: nn.Module, inputs: Any) -> None:
        if inputs and isinstance(inputs[0], torch.Tensor):
            seen.append(inputs[0].detach().clone())

    def run_reading() -> Any:
        seen.clear()
        handle = output_layer.register_forward_pre_hook(read_input)
        try:
            return model(x)
        finally:
            handle.remove()

    run_reading()
    z0 = seen[-1] if seen else None
    if z0 is None or z0.dim() != 2:
        return {"problem": "the output layer does not read a (n, features) tensor"}
    results = []
    for index in range(len(hidden)):

        def perturb(module: nn.Module, inputs: Any, output: Any, index: int = index) -> Any:
            position = hidden.index(module)
            if position == index:
                return output + delta
            if position > index:
                return clean[id(module)]
            return None

        handles = [h.register_forward_hook(perturb) for h in hidden]
        try:
            out = run_reading()
        finally:
            for handle in handles:
                handle.remove()
        z = seen[-1] if seen else z0
        changed = int(((z - z0).abs() > 1e-6).any(dim=0).sum()) if z.shape == z0.shape else -1
        change = float((out.detach().double() - out0.detach().double()).abs().max())
        results.append({"changed_columns": changed, "output_change": change})
    return {
        "hidden_in_features": [int(layer.in_features) for layer in hidden],
        "hidden_out_features": [int(layer.out_features) for layer in hidden],
        "output_in_features": int(output_layer.in_features),
        "output_out_features": int(output_layer.out_features),
        "read_width": int(z0.shape[1]),
        "results": results,
    }


def _with_hooks(
    model: nn.Module, hook: Callable[[nn.Module, Any, Any], Any], run: Callable[[], Any]
) -> Any:
    handles = [
        module.register_forward_hook(hook)
        for module in model.modules()
        if isinstance(module, nn.Linear)
    ]
    try:
        return run()
    finally:
        for handle in handles:
            handle.remove()
