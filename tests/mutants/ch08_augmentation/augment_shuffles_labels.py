"""Shuffles the labels with the rows' noise, but not the rows: labels no longer match.

targets: check_augment_shapes_and_labels, check_augment_labels_preserved
"""

import numpy as np


def augment_tabular(X, y, seed):
    X = np.asarray(X, dtype=np.float64)
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=X.shape) * (0.1 * X.std(axis=0))
    return X + noise, rng.permutation(np.asarray(y))
