"""Treats a column as constant only when its computed std is exactly 0: a column of 0.1s has a
std of about 1e-17 (rounding), gets divided by it and is not centred-only.

targets: check_constant_column_is_centred_not_scaled
"""

import numpy as np


def standardize_without_leakage(X_train, X_test):
    X_train = np.asarray(X_train)
    X_test = np.asarray(X_test)
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    scale = np.where(std == 0, 1.0, std)
    return (X_train - mean) / scale, (X_test - mean) / scale
