"""Correct, written differently from the reference:

* task arithmetic with torch.stack: the coefficients become a tensor and the vectors of one key
  are stacked and contracted with it (``tensordot``);
* TIES in numpy: the m-th largest magnitude from ``np.partition`` (a k-th value, not topk), signs
  with ``np.sign``, the disjoint mean with masked sums;
* coefficients learned by gradient descent (Adam) on the validation cross-entropy of each task's
  own logits, through ``torch.func.functional_call`` (one parameter per layer and task), like
  AdaMerging but supervised.
"""

import math

import numpy as np
import torch
from torch import nn
from torch.func import functional_call


def _same_layout(a, b):
    if sorted(a) != sorted(b):
        raise ValueError("different keys")
    for k in a:
        if tuple(a[k].shape) != tuple(b[k].shape):
            raise ValueError(f"shape of {k}")


def task_vector(pretrained, finetuned):
    _same_layout(pretrained, finetuned)
    return {
        k: torch.sub(finetuned[k], pretrained[k])
        for k in pretrained
        if torch.is_floating_point(pretrained[k])
    }


def apply_task_vectors(pretrained, vectors, coefficients):
    if len(coefficients) != len(vectors):
        raise ValueError("coefficients and vectors differ in number")
    floats = [k for k in pretrained if torch.is_floating_point(pretrained[k])]
    for v in vectors:
        if not set(floats) <= set(v) or not set(v) <= set(pretrained):
            raise ValueError("vector keys do not match")
        if any(tuple(v[k].shape) != tuple(pretrained[k].shape) for k in v):
            raise ValueError("vector shapes do not match")
    out = {}
    for k, base in pretrained.items():
        if k not in floats:
            out[k] = base.detach().clone()
        elif not vectors:
            out[k] = base.clone()
        else:
            lam = torch.tensor([float(c) for c in coefficients], dtype=base.dtype)
            stacked = torch.stack([v[k] for v in vectors])
            out[k] = base + torch.tensordot(lam, stacked, dims=1)
    return out


def choose_coefficients(pretrained, vectors, X_val, y_val, seed):
    torch.manual_seed(seed)
    model = nn.Sequential(
        nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 10)
    )
    layers = sorted({k.rsplit(".", 1)[0] for k in pretrained})
    lam = torch.full((len(layers), len(vectors)), 0.7, requires_grad=True)
    index = {layer: i for i, layer in enumerate(layers)}
    optimizer = torch.optim.Adam([lam], lr=0.1)
    data = [
        (
            torch.as_tensor(X, dtype=torch.float32),
            torch.as_tensor(y),
            torch.unique(torch.as_tensor(y)),
        )
        for X, y in zip(X_val, y_val)
    ]
    for _ in range(40):
        optimizer.zero_grad()
        state = {
            k: v + sum(lam[index[k.rsplit(".", 1)[0]], i] * t[k] for i, t in enumerate(vectors))
            for k, v in pretrained.items()
        }
        loss = 0.0
        for X, y, classes in data:
            logits = functional_call(model, state, (X,))[:, classes]
            target = torch.searchsorted(classes, y)
            loss = loss + nn.functional.cross_entropy(logits, target)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            lam.clamp_(0.0, 2.0)
    values = lam.detach().numpy().astype(float)
    return {k: [float(x) for x in values[index[k.rsplit(".", 1)[0]]]] for k in pretrained}


def ties_merge(pretrained, vectors, density, lam):
    if not (density > 0 and density <= 1):
        raise ValueError("density outside (0, 1]")
    keys = [k for k in pretrained if torch.is_floating_point(pretrained[k])]
    rows = np.stack(
        [np.concatenate([v[k].detach().double().numpy().ravel() for k in keys]) for v in vectors]
    )
    n = rows.shape[1]
    m = math.ceil(density * n)
    trimmed = np.zeros_like(rows)
    for r, row in enumerate(rows):
        magnitude = np.abs(row)
        kth = np.partition(magnitude, n - m)[n - m]
        trimmed[r] = np.where(magnitude >= kth, row, 0.0)
    elected = np.sign(trimmed.sum(axis=0))
    agree = (np.sign(trimmed) == elected[None, :]) & (trimmed != 0)
    counts = np.maximum(agree.sum(axis=0), 1)
    merged = np.where(agree, trimmed, 0.0).sum(axis=0) / counts
    out, offset = {}, 0
    for k, base in pretrained.items():
        if k not in keys:
            out[k] = base.clone()
            continue
        piece = merged[offset : offset + base.numel()].reshape(tuple(base.shape))
        offset += base.numel()
        out[k] = (base.double() + lam * torch.from_numpy(piece)).to(base.dtype)
    return out
