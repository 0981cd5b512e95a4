"""Uses the sample standard deviation (ddof=1) instead of the population one StandardScaler uses.

targets: check_standardize_small_example, check_standardize_matches_reference, check_single_test_row
"""

import numpy as np


def standardize_without_leakage(X_train, X_test):
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0, ddof=1)
    std = np.where(std > 0, std, 1.0)
    return (X_train - mean) / std, (X_test - mean) / std
