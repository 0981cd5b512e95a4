"""The two models are returned under each other's key.

targets: check_without_leak_model_ignores_test_data, check_with_leak_model_depends_on_test_set
"""

import numpy as np


def leakage_experiment(X_train, y_train, X_test, seed=0):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(np.vstack([X_train, X_test]))
    classifier = LogisticRegression(random_state=seed).fit(scaler.transform(X_train), y_train)
    leaky = make_pipeline(scaler, classifier)
    clean = make_pipeline(StandardScaler(), LogisticRegression(random_state=seed))
    return {"with_leak": clean.fit(X_train, y_train), "without_leak": leaky}
