"""Always picks the candidate closest to the training resolution 16.

targets: check_resolution_adapts_to_scale
"""

import numpy as np


def predict_resolution(model, X, candidates):
    options = np.array([int(c) for c in candidates])
    return np.full(len(X), options[np.abs(options - 16).argmin()])
