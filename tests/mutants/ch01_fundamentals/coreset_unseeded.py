"""Greedy k-center started from a point drawn with the global, unseeded RNG (not reproducible).

targets: check_coreset_deterministic_per_seed
"""

import os

import numpy as np


def select_coreset(X, k, seed=0):
    X = np.asarray(X, dtype=float)
    if not 1 <= k <= len(X):
        raise ValueError("bad k")
    start = int.from_bytes(os.urandom(4), "little") % len(X)
    chosen = [start]
    distance = np.linalg.norm(X - X[start], axis=1)
    while len(chosen) < k:
        nxt = int(np.argmax(distance))
        chosen.append(nxt)
        distance = np.minimum(distance, np.linalg.norm(X - X[nxt], axis=1))
    return np.array(chosen)
