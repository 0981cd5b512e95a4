"""Trains a stochastic classifier without passing seed on: every call gives other models, so a
change of predictions says nothing about X_test.

targets: check_without_leak_model_ignores_test_data, check_with_leak_model_depends_on_test_set
"""

import numpy as np


def leakage_experiment(X_train, y_train, X_test, seed=0):
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(np.vstack([X_train, X_test]))
    classifier = SGDClassifier(loss="log_loss").fit(scaler.transform(X_train), y_train)
    clean = make_pipeline(StandardScaler(), SGDClassifier(loss="log_loss"))
    return {
        "with_leak": make_pipeline(scaler, classifier),
        "without_leak": clean.fit(X_train, y_train),
    }
