"""Fits the probe on the test representation and scores it there (test labels leak into the fit).

targets: check_probe_scored_on_test_labels_only
"""

import numpy as np


def layer_probe_accuracies(model, X_train, y_train, X_test, y_test, layer_names):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    test = extract_representations(model, X_test, layer_names)
    accuracies = {}
    for name in layer_names:
        probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        probe.fit(test[name], y_test)
        accuracies[name] = float(probe.score(test[name], y_test))
    return accuracies
