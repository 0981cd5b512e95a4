"""Centres each row (sample) instead of each column (feature).

targets: check_cka_shift_invariance, check_cka_matches_reference
"""

import numpy as np


def linear_cka(X, Y):
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if X.shape[0] != Y.shape[0]:
        raise ValueError("different numbers of rows")
    X = X - X.mean(axis=1, keepdims=True)
    Y = Y - Y.mean(axis=1, keepdims=True)
    denominator = np.linalg.norm(X.T @ X) * np.linalg.norm(Y.T @ Y)
    if denominator == 0:
        raise ValueError("zero variance")
    return float(np.linalg.norm(Y.T @ X) ** 2 / denominator)
