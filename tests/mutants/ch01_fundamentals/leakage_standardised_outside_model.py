"""Standardises the data before fitting and returns the bare classifiers: they expect standardised
inputs, so on the raw features the grader passes to predict they are wrong.

targets: check_leakage_models_predict_above_chance
"""

import numpy as np


def leakage_experiment(X_train, y_train, X_test, seed=0):
    from sklearn.linear_model import LogisticRegression

    X_train = np.asarray(X_train, dtype=float)
    everything = np.vstack([X_train, X_test])
    models = {}
    for name, source in (("with_leak", everything), ("without_leak", X_train)):
        standardised = (X_train - source.mean(axis=0)) / source.std(axis=0)
        models[name] = LogisticRegression(random_state=seed).fit(standardised, y_train)
    return models
