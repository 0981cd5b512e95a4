"""Divides the agreeing values by the number of tasks instead of by how many agree.

targets: check_ties_matches_definition
"""

import math

import torch


def ties_merge(pretrained, vectors, density, lam):
    if not 0.0 < density <= 1.0:
        raise ValueError("density must be in (0, 1]")
    keys = [k for k, v in pretrained.items() if v.is_floating_point()]
    flat = torch.stack([torch.cat([v[k].double().reshape(-1) for k in keys]) for v in vectors])
    kept = math.ceil(density * flat.shape[1])
    threshold = flat.abs().topk(kept, dim=1).values[:, -1:]
    trimmed = torch.where(flat.abs() >= threshold, flat, torch.zeros_like(flat))
    elected = torch.sign(trimmed.sum(dim=0))
    agree = (torch.sign(trimmed) == elected) & (trimmed != 0)
    merged_flat = (trimmed * agree).sum(dim=0) / len(vectors)
    merged, start = {}, 0
    for key, value in pretrained.items():
        if not value.is_floating_point():
            merged[key] = value.clone()
            continue
        delta = merged_flat[start : start + value.numel()].reshape(value.shape)
        merged[key] = (value.double() + lam * delta).to(value.dtype)
        start += value.numel()
    return merged
