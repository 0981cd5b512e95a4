"""Right values, but a float32 'fast path' writes them into the caller's arrays (float64 inputs
are left alone).

targets: check_standardize_leaves_inputs_untouched
"""

import numpy as np

_reference_standardize = standardize_without_leakage  # the reference's function


def standardize_without_leakage(X_train, X_test):
    train, test = _reference_standardize(X_train, X_test)
    if isinstance(X_train, np.ndarray) and X_train.dtype == np.float32:
        X_train[...] = train
        X_test[...] = test
        return X_train, X_test
    return train, test
