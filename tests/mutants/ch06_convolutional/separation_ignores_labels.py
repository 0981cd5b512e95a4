"""Scores a layer by the share of variance its first two principal components explain: no labels.

targets: check_separation_uses_labels
"""

import numpy as np


def separation_scores(features, y):
    scores = {}
    for name, values in features.items():
        matrix = np.asarray(values, dtype=np.float64).reshape(len(y), -1)
        singular = np.linalg.svd(matrix - matrix.mean(axis=0), compute_uv=False)
        scores[name] = float((singular[:2] ** 2).sum() / (singular**2).sum())
    return scores
