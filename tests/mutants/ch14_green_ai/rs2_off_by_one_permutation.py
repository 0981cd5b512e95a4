"""Permutes range(n - 1): the last example is never used.

targets: check_rs2_full_coverage, check_rs2_small_example
"""

import numpy as np


def rs2_schedule(n, ratio, epochs, seed):
    if not 0.0 < ratio <= 1.0:
        raise ValueError("ratio must be in (0, 1]")
    k = max(1, round(ratio * n))
    rng = np.random.default_rng(seed)
    pool = list(rng.permutation(n - 1))
    schedule = []
    for _ in range(epochs):
        while len(pool) < k:
            pool += [i for i in rng.permutation(n - 1) if i not in pool] or [0]
        schedule.append(np.array(pool[:k]))
        pool = pool[k:]
    return schedule
