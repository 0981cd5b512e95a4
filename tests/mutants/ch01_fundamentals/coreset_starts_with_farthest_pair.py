"""Greedy k-center seeded with two points (a random one and the one farthest from it): right for
k >= 2, but k = 1 returns two indices.

targets: check_coreset_returns_k_distinct_indices
"""

import numpy as np


def select_coreset(X, k, seed=0):
    X = np.asarray(X, dtype=float)
    n = len(X)
    if not 1 <= k <= n:
        raise ValueError(f"k must be between 1 and {n}, got {k}")
    start = int(np.random.default_rng(seed).integers(n))
    distance = np.linalg.norm(X - X[start], axis=1)
    chosen = [start, int(np.argmax(distance))]
    distance = np.minimum(distance, np.linalg.norm(X - X[chosen[1]], axis=1))
    for _ in range(k - 2):
        chosen.append(int(np.argmax(distance)))
        distance = np.minimum(distance, np.linalg.norm(X - X[chosen[-1]], axis=1))
    return np.asarray(chosen, dtype=np.int64)
