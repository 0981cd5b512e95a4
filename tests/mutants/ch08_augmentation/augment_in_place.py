"""Adds the noise to X in place (X += noise) and returns X itself.

targets: check_augment_inputs_untouched
"""

import numpy as np


def augment_tabular(X, y, seed):
    rng = np.random.default_rng(seed)
    X += rng.normal(size=X.shape) * (0.1 * X.std(axis=0))
    return X, y
