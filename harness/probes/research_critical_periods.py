"""Instrumented helpers that the research_critical_periods grader sends into the worker.

The judge never runs student code, and it does not trust the log a submission returns either: the
augmentation ``T`` it passes in counts every row it is asked to augment, and the judge's own
baselines train in the same worker so that their times compare with the student's. Everything
here imports only the standard library and torch and pickles by reference (``ctx.student.put``).

* :class:`RecordingAugment` is the caller's ``T``: Gaussian noise from its own seeded generator,
  with the number of rows of every call kept in ``rows_per_call``.
* :func:`train_fixed_k` is the judge's fixed recipe (the baseline with fixed ``k``, and ``k = 1``).
* :func:`cpu_seconds` is the worker's CPU time, read before and after a call.
"""

from __future__ import annotations

import time

import torch
from torch import nn


class RecordingAugment:
    """``T(x) = x + sigma * noise`` for a float (m, d) tensor; every call's row count is recorded."""

    def __init__(self, sigma: float = 0.3, seed: int = 0) -> None:
        self.sigma = float(sigma)
        self.generator = torch.Generator().manual_seed(int(seed))
        self.rows_per_call: list[int] = []

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        if not isinstance(x, torch.Tensor) or x.dim() != 2 or not x.is_floating_point():
            raise TypeError(
                f"augment(x) expects a float tensor (m, d) of rows of X, got {_what(x)}"
            )
        self.rows_per_call.append(int(x.shape[0]))
        noise = torch.randn(tuple(x.shape), generator=self.generator, dtype=torch.float32)
        return x.detach() + self.sigma * noise.to(x.dtype)


def _what(value: object) -> str:
    if isinstance(value, torch.Tensor):
        return f"a {value.dtype} tensor of shape {tuple(value.shape)}"
    return type(value).__name__


def train_fixed_k(
    model: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    augment: RecordingAugment,
    k: int,
    epochs: int,
    seed: int,
) -> nn.Module:
    """The judge's recipe: Adam (lr 3e-3), batches of 64, k copies per sample (k - 1 from T)."""
    shuffler = torch.Generator().manual_seed(seed)
    adam = torch.optim.Adam(model.parameters(), lr=3e-3)
    originals = torch.as_tensor(X, dtype=torch.float32)
    classes = torch.as_tensor(y, dtype=torch.int64)
    for _ in range(epochs):
        model.train()
        epoch_x = torch.cat([originals, *(augment(originals.clone()) for _ in range(k - 1))])
        epoch_y = classes.repeat(k)
        for rows in torch.randperm(len(epoch_x), generator=shuffler).split(64):
            adam.zero_grad()
            loss = nn.functional.cross_entropy(model(epoch_x[rows]), epoch_y[rows])
            loss.backward()
            adam.step()
    return model.eval()


def cpu_seconds() -> float:
    """CPU time of the worker process so far (user + system)."""
    return time.process_time()
