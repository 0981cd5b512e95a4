"""Converts X with `.view(np.float64)` instead of `.astype`: float64 data is unaffected, float32
data is reinterpreted byte by byte (half the columns, garbage values), so the model it trains does
not even take the real X.

targets: check_model_memorises_training_set
"""

import numpy as np

_reference_memorize = memorize_random_labels  # the reference's function


def memorize_random_labels(X, n_classes, seed):
    return _reference_memorize(np.ascontiguousarray(X).view(np.float64), n_classes, seed)
