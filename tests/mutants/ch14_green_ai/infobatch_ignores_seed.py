"""A generator seeded with a constant: every seed keeps the same well-learned examples.

targets: check_infobatch_seed_changes_selection
"""

import numpy as np


def infobatch_select(losses, prune_ratio, seed):
    if not 0.0 <= prune_ratio < 1.0:
        raise ValueError("prune_ratio must be in [0, 1)")
    losses = np.asarray(losses, dtype=float)
    rng = np.random.default_rng(0)
    low = np.flatnonzero(losses < losses.mean())
    chosen = rng.choice(low, size=int((1 - prune_ratio) * len(low)), replace=False)
    weights = np.ones(len(losses))
    weights[chosen] = 1.0 / (1.0 - prune_ratio)
    keep = losses >= losses.mean()
    keep[chosen] = True
    kept = np.flatnonzero(keep)
    return kept, weights[kept]
