"""Returns the farthest sample's position inside its class subset, not its row index in X.

targets: check_farthest_index_points_into_X, check_class_statistics_small_example
"""

import numpy as np


def class_statistics(X, y):
    X = np.asarray(X, dtype=float)
    classes = np.unique(y)
    means = np.stack([X[y == c].mean(axis=0) for c in classes])
    farthest = [
        int(np.argmax(np.linalg.norm(X[y == c] - m, axis=1))) for c, m in zip(classes, means)
    ]
    return {
        "global_mean": X.mean(axis=0),
        "class_means": means,
        "farthest_index": np.array(farthest),
    }
