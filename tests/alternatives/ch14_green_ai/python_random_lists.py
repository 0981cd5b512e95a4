"""Correct, with the standard library: random.Random(seed).sample for the kept well-learned
examples; RS2 as a deque of passes; lists of ints where the contract allows arrays."""

import math
import random
from collections import deque

import numpy as np


def infobatch_select(losses, prune_ratio, seed):
    if not (0.0 <= prune_ratio < 1.0):
        raise ValueError("prune_ratio must be in [0, 1)")
    values = [float(v) for v in losses]
    mean = math.fsum(values) / len(values)
    low = [i for i, v in enumerate(values) if v < mean]
    keep_low = set(random.Random(seed).sample(low, math.floor((1.0 - prune_ratio) * len(low))))
    kept, weights = [], []
    for i, v in enumerate(values):
        if v >= mean:
            kept.append(i)
            weights.append(1.0)
        elif i in keep_low:
            kept.append(i)
            weights.append(1.0 / (1.0 - prune_ratio))
    return np.array(kept, dtype=np.int32), np.array(weights)


def rs2_schedule(n, ratio, epochs, seed):
    if ratio <= 0 or ratio > 1:
        raise ValueError("ratio must be in (0, 1]")
    k = max(1, math.floor(ratio * n + 0.5))
    rng = random.Random(seed)
    todo = deque(rng.sample(range(n), n))
    plan = []
    for _ in range(epochs):
        epoch = []
        while len(epoch) < k:
            if not todo:  # a new pass; this epoch's leftovers of the old one go last
                todo = deque(i for i in rng.sample(range(n), n) if i not in epoch)
                todo.extend(rng.sample(epoch, len(epoch)))
            epoch.append(todo.popleft())
        plan.append(epoch)
    return plan
