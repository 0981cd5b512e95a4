"""Well learned = below the median loss (a "robust" threshold), not below the mean.

targets: check_infobatch_keeps_hard_samples_at_weight_one, check_infobatch_weights_of_kept_well_learned, check_infobatch_count_of_kept_well_learned
"""

import numpy as np


def infobatch_select(losses, prune_ratio, seed):
    if not 0.0 <= prune_ratio < 1.0:
        raise ValueError("prune_ratio must be in [0, 1)")
    losses = np.asarray(losses, dtype=float)
    threshold = np.median(losses)
    rng = np.random.default_rng(seed)
    low = np.flatnonzero(losses < threshold)
    chosen = rng.choice(low, size=int((1 - prune_ratio) * len(low)), replace=False)
    weights = np.ones(len(losses))
    weights[chosen] = 1.0 / (1.0 - prune_ratio)
    keep = losses >= threshold
    keep[chosen] = True
    kept = np.flatnonzero(keep)
    return kept, weights[kept]
