"""Shuffles once and trains on the same first k examples every epoch (a static random subset).

targets: check_rs2_full_coverage, check_rs2_epochs_differ
"""

import numpy as np


def rs2_schedule(n, ratio, epochs, seed):
    if not 0.0 < ratio <= 1.0:
        raise ValueError("ratio must be in (0, 1]")
    k = max(1, round(ratio * n))
    subset = np.random.default_rng(seed).permutation(n)[:k]
    return [subset.copy() for _ in range(epochs)]
