"""Instrumented helpers that the extra_ia353 grader sends into the worker.

A student's `HardSharingMTL` is a class of the submission, so it can only run in the worker. The
judge does not ask the student which parameters are shared: :func:`gradient_reach` runs one backward
pass per task and reports which parameters each task's loss reaches, and
:func:`train_two_tasks` is the judge's own training recipe, so that the accuracy the judge then
measures says something about the architecture, not about a student's training loop.
"""

from __future__ import annotations

import torch
from torch import nn


def _task_outputs(model: nn.Module, inputs: torch.Tensor) -> list[torch.Tensor]:
    outputs = model(inputs)
    if not isinstance(outputs, list | tuple) or not all(
        isinstance(o, torch.Tensor) for o in outputs
    ):
        raise TypeError(f"forward(x) should return a list of tensors, got {type(outputs).__name__}")
    return list(outputs)


def gradient_reach(model: nn.Module, inputs: torch.Tensor, seed: int = 0) -> dict[str, object]:
    """For each named parameter: its shape and, per task, whether that task's loss reaches it.

    Task t's loss is sum(output_t * R_t) with a random R_t, so no gradient cancels by accident.
    The parameters' .grad are restored afterwards."""
    generator = torch.Generator().manual_seed(seed)
    named = list(model.named_parameters())
    saved = [p.grad for _, p in named]
    reach: dict[str, list[bool]] = {name: [] for name, _ in named}
    outputs = _task_outputs(model, torch.as_tensor(inputs, dtype=torch.float32))
    for index, output in enumerate(outputs):
        weights = torch.randn(tuple(output.shape), generator=generator)
        for _, parameter in named:
            parameter.grad = None
        (output * weights).sum().backward(retain_graph=index < len(outputs) - 1)
        for name, parameter in named:
            grad = parameter.grad
            reach[name].append(bool(grad is not None and grad.abs().sum().item() > 0))
    for (_, parameter), grad in zip(named, saved, strict=True):
        parameter.grad = grad
    return {
        "shapes": {name: list(p.shape) for name, p in named},
        "reach": reach,
        "tasks": len(outputs),
    }


def train_two_tasks(
    model: nn.Module,
    X: torch.Tensor,
    y_digit: torch.Tensor,
    y_parity: torch.Tensor,
    epochs: int = 12,
    seed: int = 0,
) -> None:
    """The judge's recipe: Adam (lr 1e-2), batches of 64, loss = CE(digit) + CE(parity)."""
    shuffler = torch.Generator().manual_seed(seed)
    adam = torch.optim.Adam(model.parameters(), lr=1e-2)
    inputs = torch.as_tensor(X, dtype=torch.float32)
    digit = torch.as_tensor(y_digit, dtype=torch.int64)
    parity = torch.as_tensor(y_parity, dtype=torch.int64)
    model.train()
    for _ in range(epochs):
        for rows in torch.randperm(len(inputs), generator=shuffler).split(64):
            adam.zero_grad()
            first, second = _task_outputs(model, inputs[rows])[:2]
            loss = nn.functional.cross_entropy(first, digit[rows])
            loss = loss + nn.functional.cross_entropy(second, parity[rows])
            loss.backward()
            adam.step()
    model.eval()
