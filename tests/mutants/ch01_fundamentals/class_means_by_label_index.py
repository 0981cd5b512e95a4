"""Accumulates per-class sums in a table indexed by the label value: right for labels >= 0 in
any order, but a negative label wraps around (or falls off) the table.

targets: check_class_means_follow_unique_label_order
"""

import numpy as np


def class_statistics(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    size = int(y.max()) + 1
    sums = np.zeros((size, X.shape[1]))
    counts = np.zeros(size)
    np.add.at(sums, y, X)
    np.add.at(counts, y, 1)
    classes = np.flatnonzero(counts)
    means = sums[classes] / counts[classes, None]
    farthest = []
    for c, mean in zip(classes, means):
        rows = np.flatnonzero(y == c)
        farthest.append(rows[int(np.argmax(np.linalg.norm(X[rows] - mean, axis=1)))])
    return {
        "global_mean": X.mean(axis=0),
        "class_means": means,
        "farthest_index": np.asarray(farthest, dtype=np.int64),
    }
