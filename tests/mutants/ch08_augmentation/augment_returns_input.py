"""Returns a copy of the input: the identity, no augmentation at all.

targets: check_augment_not_identity
"""

import numpy as np


def augment_tabular(X, y, seed):
    return np.array(X, dtype=float, copy=True), np.array(y, copy=True)
