"""Interpolates, but adds a null-space component (a particular solution, not the minimum-norm one).

targets: check_minimum_norm_solution, check_wide_problem_within_budget
"""

import numpy as np


def fit_linear_closed_form(X, Y, ridge=0.0):
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    n, m = X.shape
    if ridge > 0:
        return X.T @ np.linalg.solve(X @ X.T + ridge * np.eye(n), Y)
    if m <= n:
        return np.linalg.lstsq(X, Y, rcond=None)[0]
    # solve on the first n columns only, zero elsewhere: interpolates but is not minimum-norm
    W = np.zeros((m,) + Y.shape[1:])
    W[:n] = np.linalg.solve(X[:, :n], Y)
    return W
