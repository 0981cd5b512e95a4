"""A generator seeded with 42 whatever the seed: every seed gives the same plan.

targets: check_rs2_seed_changes_schedule
"""

import numpy as np


def rs2_schedule(n, ratio, epochs, seed):
    if not 0.0 < ratio <= 1.0:
        raise ValueError("ratio must be in (0, 1]")
    k = max(1, round(ratio * n))
    rng = np.random.default_rng(42)
    pool = list(rng.permutation(n))
    schedule = []
    for _ in range(epochs):
        if len(pool) < k:
            pool = pool + [i for i in rng.permutation(n) if i not in pool]
        schedule.append(np.array(pool[:k]))
        pool = pool[k:]
    return schedule
