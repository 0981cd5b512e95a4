"""No guard against zero-variance representations: 0 / 0 gives nan instead of ValueError.

targets: check_cka_zero_variance_raises
"""

import numpy as np


def linear_cka(X, Y):
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    if X.shape[0] != Y.shape[0]:
        raise ValueError("different numbers of rows")
    X = X - X.mean(axis=0)
    Y = Y - Y.mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return float(
            np.linalg.norm(Y.T @ X) ** 2 / (np.linalg.norm(X.T @ X) * np.linalg.norm(Y.T @ Y))
        )
