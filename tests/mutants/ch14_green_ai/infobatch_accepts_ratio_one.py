"""Validates prune_ratio with <= 1, so r = 1 prunes every well-learned example (weight inf
never used) instead of raising.

targets: check_infobatch_rejects_ratio_outside_range
"""

import numpy as np


def infobatch_select(losses, prune_ratio, seed):
    if prune_ratio < 0 or prune_ratio > 1:
        raise ValueError("prune_ratio must be in [0, 1]")
    losses = np.asarray(losses, dtype=float)
    rng = np.random.default_rng(seed)
    low = np.flatnonzero(losses < losses.mean())
    chosen = rng.choice(low, size=int((1 - prune_ratio) * len(low)), replace=False)
    weights = np.ones(len(losses))
    if len(chosen):
        weights[chosen] = 1.0 / (1.0 - prune_ratio)
    keep = losses >= losses.mean()
    keep[chosen] = True
    kept = np.flatnonzero(keep)
    return kept, weights[kept]
