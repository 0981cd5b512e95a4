"""At the end of a pass, appends a whole fresh permutation to the leftovers without excluding
them: an epoch that straddles two passes can hold the same index twice.

targets: check_rs2_epoch_indices_valid_and_distinct
"""

import numpy as np


def rs2_schedule(n, ratio, epochs, seed):
    if not 0.0 < ratio <= 1.0:
        raise ValueError("ratio must be in (0, 1]")
    k = max(1, round(ratio * n))
    rng = np.random.default_rng(seed)
    queue = rng.permutation(n)
    schedule = []
    for _ in range(epochs):
        if len(queue) < k:
            queue = np.concatenate([queue, rng.permutation(n)])
        schedule.append(queue[:k])
        queue = queue[k:]
    return schedule
