"""Gram-matrix CKA with the unbiased HSIC estimator (Song et al.): can be negative, differs from
linear CKA, and builds n x n matrices.

targets: check_cka_in_unit_interval, check_cka_matches_reference
"""

import numpy as np


def _unbiased_hsic(K, L):
    n = K.shape[0]
    K = K.copy()
    L = L.copy()
    np.fill_diagonal(K, 0.0)
    np.fill_diagonal(L, 0.0)
    ones = np.ones(n)
    value = np.trace(K @ L)
    value += (ones @ K @ ones) * (ones @ L @ ones) / ((n - 1) * (n - 2))
    value -= 2.0 * (ones @ K @ L @ ones) / (n - 2)
    return value / (n * (n - 3))


def linear_cka(X, Y):
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if X.shape[0] != Y.shape[0]:
        raise ValueError("different numbers of rows")
    K, L = X @ X.T, Y @ Y.T
    denominator = np.sqrt(_unbiased_hsic(K, K) * _unbiased_hsic(L, L))
    if not denominator > 0:
        raise ValueError("zero variance")
    return float(_unbiased_hsic(K, L) / denominator)
