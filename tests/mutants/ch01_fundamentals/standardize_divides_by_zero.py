"""Forgets constant columns: divides by a zero standard deviation (NaN/inf).

targets: check_constant_column_is_centred_not_scaled, check_standardize_small_example
"""

import numpy as np


def standardize_without_leakage(X_train, X_test):
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (X_train - mean) / std, (X_test - mean) / std
