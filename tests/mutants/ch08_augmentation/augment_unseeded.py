"""Draws the noise from the global generator and ignores seed.

targets: check_augment_deterministic_per_seed
"""

import numpy as np


def augment_tabular(X, y, seed):
    X = np.asarray(X, dtype=np.float64)
    noise = np.random.normal(size=X.shape) * (0.1 * X.std(axis=0))
    return X + noise, np.array(y, copy=True)
