"""Converts X with `.view(np.float64)` instead of `.astype`: float64 data is unaffected, float32
data is reinterpreted byte by byte (garbage, or an error).

targets: check_coreset_represents_far_groups
"""

import numpy as np

_reference_select_coreset = select_coreset  # the reference's function


def select_coreset(X, k, seed=0):
    return _reference_select_coreset(np.ascontiguousarray(X).view(np.float64), k, seed=seed)
