"""Both models predict the majority class of y_train (a baseline, not a classifier).

targets: check_leakage_models_predict_above_chance, check_without_leak_model_ignores_test_data, check_with_leak_model_depends_on_test_set
"""

import numpy as np


def leakage_experiment(X_train, y_train, X_test, seed=0):
    from sklearn.dummy import DummyClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    everything = np.vstack([X_train, X_test])
    leaky = make_pipeline(StandardScaler().fit(everything), DummyClassifier())
    leaky.steps[1][1].fit(X_train, y_train)
    clean = make_pipeline(StandardScaler(), DummyClassifier()).fit(X_train, y_train)
    return {"with_leak": leaky, "without_leak": clean}
