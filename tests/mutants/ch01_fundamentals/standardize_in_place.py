"""Correct values, but computed in place: the caller's X_train and X_test are overwritten.

targets: check_standardize_leaves_inputs_untouched
"""

import numpy as np


def standardize_without_leakage(X_train, X_test):
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    X_train -= mean
    X_train /= std
    X_test -= mean
    X_test /= std
    return X_train, X_test
