"""Solves the m x m normal equations with a pseudo-inverse: right answer, hopeless for m >> n.

targets: check_wide_problem_within_budget
"""

import numpy as np


def fit_linear_closed_form(X, Y, ridge=0.0):
    X = np.asarray(X, dtype=float)
    m = X.shape[1]
    return np.linalg.pinv(X.T @ X + ridge * np.eye(m)) @ X.T @ np.asarray(Y, dtype=float)
