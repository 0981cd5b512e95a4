"""Completes the last epoch of a pass with np.setdiff1d(...)[:need], which is sorted, so the
lowest indices are used far more often than the others.

targets: check_rs2_uniform_frequencies
"""

import numpy as np


def rs2_schedule(n, ratio, epochs, seed):
    if not 0.0 < ratio <= 1.0:
        raise ValueError("ratio must be in (0, 1]")
    k = max(1, round(ratio * n))
    rng = np.random.default_rng(seed)
    pool = rng.permutation(n)
    schedule = []
    for _ in range(epochs):
        if len(pool) >= k:
            schedule.append(pool[:k])
            pool = pool[k:]
        else:
            fill = np.setdiff1d(np.arange(n), pool)[: k - len(pool)]
            schedule.append(np.concatenate([pool, fill]))
            pool = rng.permutation(n)
    return schedule
