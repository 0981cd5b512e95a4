"""Correct, written differently from the reference:

* OrderedDicts built in explicit loops; the merge accumulates in float64 and casts back once;
* TIES with ``torch.kthvalue`` on each task's flattened magnitudes (the (n - m + 1)-th smallest is
  the m-th largest) and ``torch.where`` masks;
* coefficients by a joint grid over (lambda_A, lambda_B) for one layer at a time, the layers
  visited from the head down, twice, starting from 0.5 everywhere.
"""

import math
from collections import OrderedDict

import torch
from torch import nn


def _is_weight(t):
    return t.dtype in (torch.float16, torch.bfloat16, torch.float32, torch.float64)


def task_vector(pretrained, finetuned):
    if pretrained.keys() != finetuned.keys():
        raise ValueError("pretrained and finetuned have different keys")
    out = OrderedDict()
    for key in pretrained:
        a, b = pretrained[key], finetuned[key]
        if a.size() != b.size():
            raise ValueError(f"{key} has sizes {a.size()} and {b.size()}")
        if _is_weight(a):
            out[key] = b - a
    return out


def apply_task_vectors(pretrained, vectors, coefficients):
    coefficients = list(coefficients)
    if len(vectors) != len(coefficients):
        raise ValueError("need one coefficient per vector")
    for vector in vectors:
        for key in vector:
            if key not in pretrained or vector[key].size() != pretrained[key].size():
                raise ValueError(f"bad key or size: {key}")
        for key in pretrained:
            if _is_weight(pretrained[key]) and key not in vector:
                raise ValueError(f"missing key: {key}")
    out = OrderedDict()
    for key in pretrained:
        base = pretrained[key]
        if not _is_weight(base):
            out[key] = base.clone()
            continue
        total = base.to(torch.float64)
        for c, vector in zip(coefficients, vectors):
            total = total + c * vector[key].to(torch.float64)
        out[key] = total.to(base.dtype)
    return out


@torch.no_grad()
def _score(model, state, X_val, y_val):
    model.load_state_dict(state)
    total = 0.0
    for X, y in zip(X_val, y_val):
        y = torch.as_tensor(y)
        classes = sorted(set(y.tolist()))
        logits = model(torch.as_tensor(X, dtype=torch.float32))[:, classes]
        predicted = torch.tensor(classes)[logits.argmax(1)]
        total += (predicted == y).double().mean().item()
    return total / len(X_val)


def choose_coefficients(pretrained, vectors, X_val, y_val, seed):
    torch.manual_seed(seed)
    model = nn.Sequential(
        nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 32), nn.ReLU(), nn.Linear(32, 10)
    )
    layers = []
    for key in pretrained:
        layer = key.rsplit(".", 1)[0]
        if layer not in layers:
            layers.append(layer)
    lam = {layer: [0.5] * len(vectors) for layer in layers}

    def state(c):
        return OrderedDict(
            (k, v + sum(c[k.rsplit(".", 1)[0]][i] * t[k] for i, t in enumerate(vectors)))
            for k, v in pretrained.items()
        )

    values = [0.25 * i for i in range(9)]
    best = _score(model, state(lam), X_val, y_val)
    for _ in range(2):
        for layer in reversed(layers):
            for a in values:
                for b in values:
                    trial = {**lam, layer: [a, b]}
                    s = _score(model, state(trial), X_val, y_val)
                    if s > best:
                        best, lam = s, trial
    return {k: list(lam[k.rsplit(".", 1)[0]]) for k in pretrained}


def ties_merge(pretrained, vectors, density, lam):
    if density <= 0 or density > 1:
        raise ValueError("density must be in (0, 1]")
    keys = [k for k in pretrained if _is_weight(pretrained[k])]
    trimmed = []
    for vector in vectors:
        flat = torch.cat([vector[k].reshape(-1).to(torch.float64) for k in keys])
        n = flat.numel()
        m = math.ceil(density * n)
        kth = flat.abs().kthvalue(n - m + 1).values
        trimmed.append(torch.where(flat.abs() >= kth, flat, torch.zeros_like(flat)))
    trimmed = torch.stack(trimmed)
    sign = trimmed.sum(0).sign()
    keep = (trimmed.sign() == sign) & (trimmed != 0)
    merged = torch.where(keep, trimmed, torch.zeros_like(trimmed)).sum(0)
    merged = merged / keep.sum(0).clamp(min=1)
    out = OrderedDict()
    position = 0
    for key in pretrained:
        base = pretrained[key]
        if key not in keys:
            out[key] = base.clone()
            continue
        size = base.numel()
        out[key] = (
            base.to(torch.float64) + lam * merged[position : position + size].view(base.shape)
        ).to(base.dtype)
        position += size
    return out
