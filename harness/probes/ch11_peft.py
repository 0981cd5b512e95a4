"""Worker-side helpers of ch11_peft: a network with names chosen by the judge, and probes that
reach a student's ``LoRALinear`` without knowing its attribute names.

Nothing here is secret and everything imports only the standard library and torch, so the judge
can pickle a :class:`OddlyNamedNet` or one of the functions below into the student's worker with
``ctx.student.put``.

* :class:`OddlyNamedNet`: an MLP whose container and blocks carry names the judge passes in (so a
  list of layer names cannot be written down in advance); each block is Linear, LayerNorm, Tanh.
* :func:`trainable_shapes`: the shapes of the module's parameters that require gradients.
* :func:`set_factors_by_shape`: finds the two trainable tensors by their shapes, (r, in) and
  (out, r), and overwrites them with the judge's values.
* :func:`factors_by_shape`: reads them back (after training steps).
* :func:`optimiser_steps`: a few SGD steps on every parameter of the module towards a seeded
  random target; what is frozen must come out unchanged.
* :func:`gradient_norms_at_init`: one backward pass, the gradient norm of each trainable tensor.

Probes report plain data; a module that does not expose what the statement promises comes back as
``{"problem": "..."}``, and an exception of the student's own code propagates.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn


class OddlyNamedNet(nn.Module):
    """``in_features`` -> one block per name in ``block_names`` -> ``Linear`` head; the blocks live
    in an ``nn.ModuleDict`` registered under ``container``, the head under ``head``."""

    def __init__(
        self,
        in_features: int,
        widths: list[int],
        n_classes: int,
        container: str,
        block_names: list[str],
        head: str,
        seed: int = 0,
    ) -> None:
        super().__init__()
        generator_state = torch.random.get_rng_state()
        torch.manual_seed(seed)
        blocks = nn.ModuleDict()
        width_in = in_features
        for name, width in zip(block_names, widths, strict=True):
            blocks[name] = nn.Sequential(nn.Linear(width_in, width), nn.LayerNorm(width), nn.Tanh())
            width_in = width
        self.add_module(container, blocks)
        self.add_module(head, nn.Linear(width_in, n_classes))
        torch.random.set_rng_state(generator_state)
        self._order = (container, head)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        container, head = self._order
        hidden = x
        for block in getattr(self, container).values():
            hidden = block(hidden)
        return getattr(self, head)(hidden)


def trainable_shapes(module: nn.Module) -> list[list[int]]:
    """Shapes of the parameters with ``requires_grad`` (each tensor once)."""
    return [list(p.shape) for p in module.parameters() if p.requires_grad]


def _by_shape(module: nn.Module, shape: tuple[int, ...]) -> list[nn.Parameter]:
    return [p for p in module.parameters() if p.requires_grad and tuple(p.shape) == shape]


def _two_factors(module: nn.Module, r: int, fan_in: int, fan_out: int) -> Any:
    a_shape, b_shape = (r, fan_in), (fan_out, r)
    found_a, found_b = _by_shape(module, a_shape), _by_shape(module, b_shape)
    if len(found_a) != 1 or len(found_b) != 1:
        return {
            "problem": (
                f"expected exactly one trainable tensor of shape {a_shape} (A) and one of shape "
                f"{b_shape} (B); the trainable tensors have shapes {trainable_shapes(module)}"
            )
        }
    return found_a[0], found_b[0]


def set_factors_by_shape(module: nn.Module, A: torch.Tensor, B: torch.Tensor) -> dict[str, Any]:
    """Overwrite the trainable (r, in) and (out, r) tensors with ``A`` and ``B``."""
    found = _two_factors(module, A.shape[0], A.shape[1], B.shape[0])
    if isinstance(found, dict):
        return found
    with torch.no_grad():
        found[0].copy_(A)
        found[1].copy_(B)
    return {"ok": True}


def factors_by_shape(module: nn.Module, r: int, fan_in: int, fan_out: int) -> dict[str, Any]:
    """Copies of the trainable (r, in) and (out, r) tensors, as ``{"A": ..., "B": ...}``."""
    found = _two_factors(module, r, fan_in, fan_out)
    if isinstance(found, dict):
        return found
    return {"A": found[0].detach().clone(), "B": found[1].detach().clone()}


def optimiser_steps(
    module: nn.Module, x: torch.Tensor, steps: int, lr: float, seed: int
) -> dict[str, Any]:
    """``steps`` SGD steps over *all* of ``module.parameters()`` on a mean squared error towards
    a seeded random target; frozen tensors get no gradient, so SGD leaves them alone."""
    generator = torch.Generator().manual_seed(seed)
    out = module(x)
    if not isinstance(out, torch.Tensor):
        return {"problem": f"module(x) returned {type(out).__name__}, not a tensor"}
    target = torch.randn(out.shape, generator=generator)
    optimiser = torch.optim.SGD(module.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        optimiser.zero_grad()
        loss = ((module(x) - target) ** 2).mean()
        loss.backward()
        optimiser.step()
        losses.append(float(loss))
    optimiser.zero_grad()
    return {"losses": losses}


def gradient_norms_at_init(module: nn.Module, x: torch.Tensor, seed: int) -> dict[str, Any]:
    """One backward pass of a seeded random regression loss: ``{"shapes": [...], "norms":
    [...]}`` for the trainable tensors, in ``parameters()`` order; gradients are cleared after."""
    generator = torch.Generator().manual_seed(seed)
    out = module(x)
    if not isinstance(out, torch.Tensor):
        return {"problem": f"module(x) returned {type(out).__name__}, not a tensor"}
    params = [p for p in module.parameters() if p.requires_grad]
    target = torch.randn(out.shape, generator=generator)
    grads = torch.autograd.grad(((out - target) ** 2).mean(), params, allow_unused=True)
    norms = [0.0 if g is None else float(g.norm()) for g in grads]
    return {"shapes": [list(p.shape) for p in params], "norms": norms}
