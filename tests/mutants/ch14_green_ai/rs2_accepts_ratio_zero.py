"""Only checks ratio > 1: ratio 0 or negative quietly gives epochs of one example.

targets: check_rs2_rejects_ratio_outside_range
"""

import numpy as np


def rs2_schedule(n, ratio, epochs, seed):
    if ratio > 1.0:
        raise ValueError("ratio must be at most 1")
    k = max(1, round(ratio * n))
    rng = np.random.default_rng(seed)
    pool = rng.permutation(n)
    schedule = []
    for _ in range(epochs):
        if len(pool) >= k:
            subset, pool = pool[:k], pool[k:]
        else:
            fresh = rng.permutation(n)
            chosen = fresh[~np.isin(fresh, pool)][: k - len(pool)]
            subset = np.concatenate([pool, chosen])
            pool = fresh[~np.isin(fresh, chosen)]
        schedule.append(subset)
    return schedule
