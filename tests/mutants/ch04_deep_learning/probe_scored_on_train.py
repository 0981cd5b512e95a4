"""Reports the probe's accuracy on the training representation (never looks at y_test).

targets: check_probe_scored_on_test_labels_only
"""

import numpy as np


def layer_probe_accuracies(model, X_train, y_train, X_test, y_test, layer_names):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    train = extract_representations(model, X_train, layer_names)
    accuracies = {}
    for name in layer_names:
        probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        probe.fit(train[name], y_train)
        accuracies[name] = float(probe.score(train[name], y_train))
    return accuracies
