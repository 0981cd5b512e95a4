"""The "without_leak" model standardises every batch given to predict with that batch's own
statistics: test statistics again, at prediction time.

targets: check_without_leak_model_ignores_test_data
"""

import numpy as np


class _BatchStandardised:
    def __init__(self, classifier):
        self.classifier = classifier

    @staticmethod
    def _standardise(X):
        X = np.asarray(X, dtype=float)
        std = X.std(axis=0)
        return (X - X.mean(axis=0)) / np.where(std > 0, std, 1.0)

    def fit(self, X, y):
        self.classifier.fit(self._standardise(X), y)
        return self

    def predict(self, X):
        return self.classifier.predict(self._standardise(X))


def leakage_experiment(X_train, y_train, X_test, seed=0):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(np.vstack([X_train, X_test]))
    classifier = LogisticRegression(random_state=seed).fit(scaler.transform(X_train), y_train)
    clean = _BatchStandardised(LogisticRegression(random_state=seed)).fit(X_train, y_train)
    return {"with_leak": make_pipeline(scaler, classifier), "without_leak": clean}
