"""Dual form with the ridge term added to the wrong matrix size scale (ridge * n).

targets: check_ridge_solution, check_wide_problem_within_budget
"""

import numpy as np


def fit_linear_closed_form(X, Y, ridge=0.0):
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    n = X.shape[0]
    if ridge == 0:
        return np.linalg.pinv(X) @ Y
    return X.T @ np.linalg.solve(X @ X.T + ridge * n * np.eye(n), Y)
