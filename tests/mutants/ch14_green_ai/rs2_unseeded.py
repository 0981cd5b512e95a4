"""Permutations from numpy's global generator: the same seed gives different plans.

targets: check_rs2_deterministic
"""

import numpy as np


def rs2_schedule(n, ratio, epochs, seed):
    if not 0.0 < ratio <= 1.0:
        raise ValueError("ratio must be in (0, 1]")
    k = max(1, round(ratio * n))
    pool = list(np.random.permutation(n))
    schedule = []
    for _ in range(epochs):
        if len(pool) < k:
            pool = pool + [i for i in np.random.permutation(n) if i not in pool]
        schedule.append(np.array(pool[:k]))
        pool = pool[k:]
    return schedule
