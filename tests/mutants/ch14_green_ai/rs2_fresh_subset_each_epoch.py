"""A fresh uniform subset every epoch, drawn independently (RS2 with replacement across
epochs): nothing guarantees every example is seen, nor that a pass has no repeats.

targets: check_rs2_full_coverage, check_rs2_no_repeat_before_all_seen
"""

import numpy as np


def rs2_schedule(n, ratio, epochs, seed):
    if not 0.0 < ratio <= 1.0:
        raise ValueError("ratio must be in (0, 1]")
    k = max(1, round(ratio * n))
    rng = np.random.default_rng(seed)
    return [rng.choice(n, size=k, replace=False) for _ in range(epochs)]
