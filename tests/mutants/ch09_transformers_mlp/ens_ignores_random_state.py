"""Subsets come from numpy's global generator: random_state is ignored and two fits differ.

targets: check_random_state_reproduces_fit, check_passes_sklearn_estimator_checks
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data


class LimitedEnsembleClassifier(ClassifierMixin, BaseEstimator):
    """Members are clones of ``base_estimator`` fitted on at most ``max_samples`` rows and
    ``max_features`` columns of X (every column used by some member); probabilities averaged."""

    def __init__(
        self,
        base_estimator: BaseEstimator,
        n_estimators: int = 10,
        max_samples: int = 256,
        max_features: int = 16,
        random_state: int | None = None,
    ) -> None:
        self.base_estimator = base_estimator
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.max_features = max_features
        self.random_state = random_state

    def fit(self, X: np.ndarray, y: np.ndarray) -> LimitedEnsembleClassifier:
        X, y = validate_data(self, X, y)
        check_classification_targets(y)
        self.classes_, encoded = np.unique(y, return_inverse=True)
        n_rows, n_columns = X.shape
        rows = min(int(self.max_samples), n_rows)
        columns = min(int(self.max_features), n_columns)
        if int(self.n_estimators) * columns < n_columns:
            raise ValueError(
                f"{self.n_estimators} members of at most {columns} features cannot cover "
                f"{n_columns} features"
            )
        rng = np.random  # numpy's global generator
        # the first members take consecutive chunks of one permutation (every feature is covered);
        # a short last chunk and later members are filled with other random features
        cover = rng.permutation(n_columns)
        self.estimators_, self.estimators_features_ = [], []
        for index in range(int(self.n_estimators)):
            chunk = cover[index * columns : (index + 1) * columns]
            others = np.setdiff1d(np.arange(n_columns), chunk)
            features = np.concatenate([chunk, rng.choice(others, columns - len(chunk), False)])
            samples = rng.choice(n_rows, rows, replace=False)
            member = clone(self.base_estimator)
            member.fit(X[np.ix_(samples, features)], encoded[samples])
            self.estimators_.append(member)
            self.estimators_features_.append(features.astype(np.int64))
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        total = np.zeros((X.shape[0], len(self.classes_)))
        for member, features in zip(self.estimators_, self.estimators_features_):
            seen = np.asarray(member.classes_, dtype=np.int64)  # encoded labels this member saw
            if hasattr(member, "predict_proba"):
                total[:, seen] += member.predict_proba(X[:, features])
            else:  # a base model without probabilities votes
                votes = np.asarray(member.predict(X[:, features]), dtype=np.int64)
                total[np.arange(len(X)), votes] += 1.0
        return total / total.sum(axis=1, keepdims=True)

    def predict(self, X: np.ndarray) -> np.ndarray:
        probabilities = self.predict_proba(X)
        return self.classes_[np.argmax(probabilities, axis=1)]
