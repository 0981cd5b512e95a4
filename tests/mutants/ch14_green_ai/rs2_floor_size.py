"""k = int(ratio * n) (floor) instead of the statement's round(ratio * n).

targets: check_rs2_epoch_sizes
"""

import numpy as np


def rs2_schedule(n, ratio, epochs, seed):
    if not 0.0 < ratio <= 1.0:
        raise ValueError("ratio must be in (0, 1]")
    k = max(1, int(ratio * n))
    rng = np.random.default_rng(seed)
    pool = list(rng.permutation(n))
    schedule = []
    for _ in range(epochs):
        if len(pool) < k:
            fresh = [i for i in rng.permutation(n) if i not in pool]
            pool = pool + fresh
        schedule.append(np.array(pool[:k]))
        pool = pool[k:]
    return schedule
