"""When fewer than k examples are left in a pass, throws them away and starts a new
permutation: those examples are skipped, so ceil(n / k) epochs do not cover the set.

targets: check_rs2_full_coverage
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
        if len(pool) < k:
            pool = rng.permutation(n)
        schedule.append(pool[:k])
        pool = pool[k:]
    return schedule
