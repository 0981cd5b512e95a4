"""Instrumented helpers that the ch06_convolutional grader sends into the worker.

The judge never runs student code; what must be observed *inside* a forward pass of a student's
model (the shape each convolution receives, which pooling ops run and on what) or done to it (the
harness's fixed training recipe) happens here, in the worker, and only plain data or handles go
back. This module imports only the standard library and torch, holds nothing secret, and pickles
by reference (``ctx.student.put``).

* :func:`op_shapes` runs one forward pass (no grad) and records, for every aten convolution and
  pooling op, its name, the shape of its input and the shape of its output (6.2: the first
  convolution must see the input at its own size; 6.4: no pooling other than a global average).
* :func:`train_recipe` is the harness's fixed training recipe for 6.4.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

#: op-name fragments recorded by op_shapes
WATCHED = ("convolution", "pool", "interpolate", "upsample", "grid_sampler")
MAX_RECORDS = 2_000


def _shape(value: Any) -> list[int] | None:
    return list(value.shape) if isinstance(value, torch.Tensor) else None


def op_shapes(model: nn.Module, x: torch.Tensor) -> list[dict[str, Any]]:
    """One forward pass of ``model(x)`` under ``torch.no_grad()``: for every convolution, pooling
    or resampling aten op, ``{"op": name, "input": shape, "output": shape}`` in execution order."""
    from torch.utils._python_dispatch import TorchDispatchMode

    records: list[dict[str, Any]] = []

    class _Recorder(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # type: ignore[override]
            output = func(*args, **(kwargs or {}))
            name = str(func.overloadpacket.__name__)
            if len(records) < MAX_RECORDS and any(w in name for w in WATCHED):
                first = args[0] if args else None
                result = output[0] if isinstance(output, tuple | list) and output else output
                records.append({"op": name, "input": _shape(first), "output": _shape(result)})
            return output

    with torch.no_grad(), _Recorder():
        model(x)
    return records


def train_recipe(
    model: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    epochs: int,
    seed: int,
    lr: float = 3e-3,
    batch_size: int = 32,
) -> nn.Module:
    """The harness's recipe: Adam (lr 3e-3), mini-batches of 32 in a seeded order, cross-entropy
    on the logits, ``epochs`` passes over (X, y); the model is returned in eval mode."""
    generator = torch.Generator().manual_seed(int(seed))
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    inputs = torch.as_tensor(X, dtype=torch.float32)
    targets = torch.as_tensor(y, dtype=torch.int64)
    model.train()
    for _ in range(int(epochs)):
        for batch in torch.randperm(len(inputs), generator=generator).split(batch_size):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(inputs[batch]), targets[batch]).backward()
            optimizer.step()
    return model.eval()
