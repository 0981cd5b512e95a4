"""Greedy k-center, but k > n silently repeats points instead of raising ValueError.

targets: check_coreset_k_too_large_raises
"""

import numpy as np


def select_coreset(X, k, seed=0):
    X = np.asarray(X, dtype=float)
    chosen = [int(np.random.default_rng(seed).integers(len(X)))]
    distance = np.linalg.norm(X - X[chosen[0]], axis=1)
    while len(chosen) < k:
        nxt = int(np.argmax(distance))
        chosen.append(nxt)
        distance = np.minimum(distance, np.linalg.norm(X - X[nxt], axis=1))
    return np.array(chosen)
