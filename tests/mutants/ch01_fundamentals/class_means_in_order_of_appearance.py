"""Orders the classes as they first appear in y instead of np.unique order.

targets: check_class_means_follow_unique_label_order, check_class_statistics_small_example
"""

import numpy as np


def class_statistics(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    _, first = np.unique(y, return_index=True)
    classes = y[np.sort(first)]
    means = np.stack([X[y == c].mean(axis=0) for c in classes])
    farthest = []
    for c, m in zip(classes, means):
        rows = np.flatnonzero(y == c)
        farthest.append(rows[np.argmax(np.linalg.norm(X[rows] - m, axis=1))])
    order = np.argsort(classes)
    return {
        "global_mean": X.mean(axis=0),
        "class_means": means,
        "farthest_index": np.array(farthest)[order],
    }
