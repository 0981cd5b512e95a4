"""Whitens both representations first (mean squared canonical correlation): invariant to every
invertible map, which linear CKA is not.

targets: check_cka_not_invariant_to_invertible_maps, check_cka_matches_reference
"""

import numpy as np


def linear_cka(X, Y):
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if X.shape[0] != Y.shape[0]:
        raise ValueError("different numbers of rows")
    X = X - X.mean(axis=0)
    Y = Y - Y.mean(axis=0)
    if not np.any(X) or not np.any(Y):
        raise ValueError("zero variance")
    Qx, _ = np.linalg.qr(X)
    Qy, _ = np.linalg.qr(Y)
    return float(np.linalg.norm(Qy.T @ Qx) ** 2 / min(Qx.shape[1], Qy.shape[1]))
