"""Both models standardise with statistics of X_train and X_test stacked together: the model that
should not leak leaks too.

targets: check_without_leak_model_ignores_test_data
"""

import numpy as np


def leakage_experiment(X_train, y_train, X_test, seed=0):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    everything = np.vstack([X_train, X_test])
    models = {}
    for name in ("with_leak", "without_leak"):
        scaler = StandardScaler().fit(everything)
        classifier = LogisticRegression(random_state=seed).fit(scaler.transform(X_train), y_train)
        models[name] = make_pipeline(scaler, classifier)
    return models
