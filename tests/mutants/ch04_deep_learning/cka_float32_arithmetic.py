"""Computes linear CKA in the dtype it receives (no float64 cast): exact on float64 inputs, but
float32 representations far from the origin lose their centring to float32 sums.

targets: check_cka_float32_inputs
"""

import numpy as np


def linear_cka(X, Y):
    X = np.asarray(X)
    Y = np.asarray(Y)
    if X.shape[0] != Y.shape[0]:
        raise ValueError("different numbers of rows")
    X = X - X.mean(axis=0)
    Y = Y - Y.mean(axis=0)
    norm_x = np.linalg.norm(X.T @ X)
    norm_y = np.linalg.norm(Y.T @ Y)
    if norm_x == 0 or norm_y == 0:
        raise ValueError("zero variance")
    return float(np.linalg.norm(Y.T @ X) ** 2 / (norm_x * norm_y))
