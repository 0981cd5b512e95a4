"""Drops each well-learned example by an independent coin flip (probability prune_ratio), so
the number kept varies instead of being floor((1 - r) |WL|) as the statement fixes.

targets: check_infobatch_count_of_kept_well_learned
"""

import numpy as np


def infobatch_select(losses, prune_ratio, seed):
    if not 0.0 <= prune_ratio < 1.0:
        raise ValueError("prune_ratio must be in [0, 1)")
    losses = np.asarray(losses, dtype=float)
    rng = np.random.default_rng(seed)
    low = losses < losses.mean()
    survive = rng.random(len(losses)) >= prune_ratio
    keep = ~low | survive
    weights = np.where(low, 1.0 / (1.0 - prune_ratio), 1.0)
    kept = np.flatnonzero(keep)
    return kept, weights[kept]
