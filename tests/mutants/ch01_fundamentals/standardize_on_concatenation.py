"""Fits the statistics on train and test stacked together (the leak of the exercise).

targets: check_train_output_ignores_test_set, check_standardize_matches_reference
"""

import numpy as np


def standardize_without_leakage(X_train, X_test):
    everything = np.vstack([X_train, X_test])
    mean, std = everything.mean(axis=0), everything.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (X_train - mean) / std, (X_test - mean) / std
