"""Trims each tensor to its own top fraction instead of the whole flattened vector.

targets: check_ties_matches_definition
"""

import math

import torch


def ties_merge(pretrained, vectors, density, lam):
    if not 0.0 < density <= 1.0:
        raise ValueError("density must be in (0, 1]")
    merged = {}
    for key, value in pretrained.items():
        if not value.is_floating_point():
            merged[key] = value.clone()
            continue
        stack = torch.stack([v[key].double().reshape(-1) for v in vectors])
        kept = math.ceil(density * stack.shape[1])
        threshold = stack.abs().topk(kept, dim=1).values[:, -1:]
        trimmed = torch.where(stack.abs() >= threshold, stack, torch.zeros_like(stack))
        elected = torch.sign(trimmed.sum(dim=0))
        agree = (torch.sign(trimmed) == elected) & (trimmed != 0)
        delta = (trimmed * agree).sum(dim=0) / agree.sum(dim=0).clamp(min=1)
        merged[key] = (value.double() + lam * delta.reshape(value.shape)).to(value.dtype)
    return merged
