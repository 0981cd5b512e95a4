"""Centres the data before looking at m: for m = 2 it returns X minus its mean, not the data itself.

targets: check_project_2d_keeps_two_feature_data
"""

import numpy as np

_reference_project_2d = project_2d  # the reference's function


def project_2d(X):
    X = np.asarray(X, dtype=float)
    if X.shape[1] == 2:
        return X - X.mean(axis=0)
    return _reference_project_2d(X)
