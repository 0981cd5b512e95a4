"""Scores a layer by the mean distance between its class centroids in 2-D: it grows with the
features' units.

targets: check_separation_scale_invariant
"""

import numpy as np


def separation_scores(features, y):
    labels = np.asarray(y)
    scores = {}
    for name, values in features.items():
        matrix = np.asarray(values, dtype=np.float64).reshape(len(labels), -1)
        projected = _pca_2d(matrix)
        centroids = np.stack([projected[labels == c].mean(axis=0) for c in np.unique(labels)])
        gaps = np.linalg.norm(centroids[:, None] - centroids[None], axis=-1)
        scores[name] = float(gaps.sum() / (len(centroids) * (len(centroids) - 1)))
    return scores
