"""Standardises the test set with its own mean and std (the classic leak in reverse).

targets: check_test_rows_are_independent, check_standardize_matches_reference, check_single_test_row
"""

import numpy as np


def standardize_without_leakage(X_train, X_test):
    train = (X_train - X_train.mean(axis=0)) / np.where(
        X_train.std(axis=0) > 0, X_train.std(axis=0), 1.0
    )
    test = (X_test - X_test.mean(axis=0)) / np.where(
        X_test.std(axis=0) > 0, X_test.std(axis=0), 1.0
    )
    return train, test
