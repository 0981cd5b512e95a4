"""Normalises ||Y^T X||_F (not squared) by sqrt(||X^T X||_F ||Y^T Y||_F): still 1 on (X, X),
still symmetric and invariant, but a different number.

targets: check_cka_matches_reference
"""

import numpy as np


def linear_cka(X, Y):
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if X.shape[0] != Y.shape[0]:
        raise ValueError("different numbers of rows")
    X = X - X.mean(axis=0)
    Y = Y - Y.mean(axis=0)
    denominator = np.sqrt(np.linalg.norm(X.T @ X) * np.linalg.norm(Y.T @ Y))
    if denominator == 0:
        raise ValueError("zero variance")
    return float(np.linalg.norm(Y.T @ X) / denominator)
