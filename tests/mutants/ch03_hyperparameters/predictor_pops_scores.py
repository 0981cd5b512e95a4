"""Pops 'score' out of every result while building the training matrix.

targets: check_predictor_leaves_results_unchanged
"""

import math

import numpy as np


def fit_performance_predictor(results):
    names = sorted(results[0]["config"])
    categories = {
        n: sorted({repr(r["config"][n]) for r in results})
        for n in names
        if isinstance(results[0]["config"][n], str)
    }

    def encode(config):
        row = []
        for n in names:
            if n in categories:
                row += [1.0 if repr(config[n]) == v else 0.0 for v in categories[n]]
            else:
                row += [math.log10(config[n]), math.log10(config[n]) ** 2]
        return row

    y = np.array([r.pop("score") for r in results])
    X = np.array([encode(r["config"]) for r in results])
    X1 = np.column_stack([X, np.ones(len(X))])
    coef = np.linalg.lstsq(X1, y, rcond=None)[0]
    return lambda config: float(np.append(encode(config), 1.0) @ coef)
