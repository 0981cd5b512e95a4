"""Fills a missing batch_size into every result's config in place (setdefault) before fitting.

targets: check_predictor_leaves_results_unchanged
"""

import math

import numpy as np


def fit_performance_predictor(results, k=4):
    for row in results:
        row["config"].setdefault("batch_size", 32)
    configs = [row["config"] for row in results]
    names = sorted(configs[0])
    categories = {
        n: sorted({c[n] for c in configs}) for n in names if isinstance(configs[0][n], str)
    }

    def encode(config):
        config = {"batch_size": 32, **config}
        row = []
        for n in names:
            if n in categories:
                row += [float(config[n] == v) for v in categories[n]]
            else:
                row.append(math.log10(config[n]))
        return np.array(row)

    X = np.stack([encode(c) for c in configs])
    spread = X.std(axis=0)
    spread[spread == 0] = 1.0
    y = np.array([row["score"] for row in results])

    def predict(config):
        distance = np.linalg.norm(X / spread - encode(config) / spread, axis=1)
        nearest = np.argsort(distance)[:k]
        weights = 1.0 / (distance[nearest] + 1e-6)
        return float((weights * y[nearest]).sum() / weights.sum())

    return predict
