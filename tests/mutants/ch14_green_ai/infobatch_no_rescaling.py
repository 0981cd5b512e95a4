"""Prunes correctly but forgets to rescale the kept well-learned examples (all weights 1).

targets: check_infobatch_weights_of_kept_well_learned, check_infobatch_unbiased_over_seeds
"""

import numpy as np


def infobatch_select(losses, prune_ratio, seed):
    if not 0.0 <= prune_ratio < 1.0:
        raise ValueError("prune_ratio must be in [0, 1)")
    losses = np.asarray(losses, dtype=float)
    rng = np.random.default_rng(seed)
    low = np.flatnonzero(losses < losses.mean())
    chosen = rng.choice(low, size=int((1 - prune_ratio) * len(low)), replace=False)
    keep = losses >= losses.mean()
    keep[chosen] = True
    kept = np.flatnonzero(keep)
    return kept, np.ones(len(kept))
