"""Seeds the label generator with `seed` plus a hash of X: reproducible for the same X and seed,
and no signal about any row, but the labels change with the values of X.

targets: check_random_labels_depend_only_on_seed
"""

import numpy as np

_reference_memorize = memorize_random_labels  # the reference's function


def memorize_random_labels(X, n_classes, seed):
    return _reference_memorize(X, n_classes, seed + int(np.abs(np.asarray(X)).sum()) % 1000)
