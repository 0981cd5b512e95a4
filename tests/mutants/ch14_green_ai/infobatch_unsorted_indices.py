"""Returns the hard examples first, then the kept well-learned ones (not sorted).

targets: check_infobatch_indices_sorted_and_unique, check_infobatch_small_example
"""

import numpy as np


def infobatch_select(losses, prune_ratio, seed):
    if not 0.0 <= prune_ratio < 1.0:
        raise ValueError("prune_ratio must be in [0, 1)")
    losses = np.asarray(losses, dtype=float)
    rng = np.random.default_rng(seed)
    low = np.flatnonzero(losses < losses.mean())
    chosen = rng.choice(low, size=int((1 - prune_ratio) * len(low)), replace=False)
    hard = np.flatnonzero(losses >= losses.mean())
    kept = np.concatenate([hard, chosen]).astype(int)
    weights = np.concatenate([np.ones(len(hard)), np.full(len(chosen), 1.0 / (1.0 - prune_ratio))])
    return kept, weights
