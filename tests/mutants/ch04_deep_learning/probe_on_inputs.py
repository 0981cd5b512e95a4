"""Fits every probe on the raw inputs instead of the layer's representation.

targets: check_probe_accuracies_match_judge, check_probe_trend_with_depth
"""

import numpy as np


def layer_probe_accuracies(model, X_train, y_train, X_test, y_test, layer_names):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    score = float(probe.fit(X_train, y_train).score(X_test, y_test))
    return {name: score for name in layer_names}
