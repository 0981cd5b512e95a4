"""Prunes the hard examples (loss above the mean) instead of the well-learned ones.

targets: check_infobatch_keeps_hard_samples_at_weight_one, check_infobatch_small_example
"""

import numpy as np


def infobatch_select(losses, prune_ratio, seed):
    if not 0.0 <= prune_ratio < 1.0:
        raise ValueError("prune_ratio must be in [0, 1)")
    losses = np.asarray(losses, dtype=float)
    rng = np.random.default_rng(seed)
    candidates = np.flatnonzero(losses > losses.mean())
    chosen = rng.choice(candidates, size=int((1 - prune_ratio) * len(candidates)), replace=False)
    weights = np.ones(len(losses))
    weights[chosen] = 1.0 / (1.0 - prune_ratio)
    keep = losses <= losses.mean()
    keep[chosen] = True
    kept = np.flatnonzero(keep)
    return kept, weights[kept]
