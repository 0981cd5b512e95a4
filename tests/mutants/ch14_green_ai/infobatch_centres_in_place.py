"""Centres the losses in place (losses -= mean) to compare them with zero.

targets: check_infobatch_leaves_losses_untouched
"""

import numpy as np


def infobatch_select(losses, prune_ratio, seed):
    if not 0.0 <= prune_ratio < 1.0:
        raise ValueError("prune_ratio must be in [0, 1)")
    losses -= losses.mean()
    rng = np.random.default_rng(seed)
    low = np.flatnonzero(losses < 0)
    chosen = rng.choice(low, size=int((1 - prune_ratio) * len(low)), replace=False)
    weights = np.ones(len(losses))
    weights[chosen] = 1.0 / (1.0 - prune_ratio)
    keep = losses >= 0
    keep[chosen] = True
    kept = np.flatnonzero(keep)
    return kept, weights[kept]
