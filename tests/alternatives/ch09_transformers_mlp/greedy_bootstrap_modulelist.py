"""A correct solution written differently: a hand-written ensemble with check_X_y, members fitted
on bootstrap rows (drawn with replacement) and on the least-used features first (ties broken at
random), fed the original labels and aligned with np.searchsorted; a block with named fc1/act/fc2
layers and GELU, and a model class holding its blocks in an nn.ModuleList.
"""

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils import check_array, check_random_state, check_X_y
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted
from torch import nn


class LimitedEnsembleClassifier(ClassifierMixin, BaseEstimator):
    def __init__(
        self, base_estimator, n_estimators=10, max_samples=256, max_features=16, random_state=None
    ):
        self.base_estimator = base_estimator
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.max_features = max_features
        self.random_state = random_state

    def fit(self, X, y):
        X, y = check_X_y(X, y)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        self.n_features_in_ = X.shape[1]
        n, d = X.shape
        width = min(self.max_features, d)
        if self.n_estimators * width < d:
            raise ValueError("not enough members to use every feature")
        random = check_random_state(self.random_state)
        uses = np.zeros(d)
        self.members_ = []
        for _ in range(self.n_estimators):
            # least-used features first; random noise breaks the ties
            order = np.lexsort((random.random_sample(d), uses))
            columns = np.sort(order[:width])
            uses[columns] += 1
            rows = random.randint(0, n, size=min(self.max_samples, n))
            model = clone(self.base_estimator).fit(X[rows][:, columns], y[rows])
            self.members_.append((model, columns))
        return self

    def predict_proba(self, X):
        check_is_fitted(self, "members_")
        X = check_array(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {X.shape[1]} features, expected {self.n_features_in_}")
        out = np.zeros((len(X), len(self.classes_)))
        for model, columns in self.members_:
            where = np.searchsorted(self.classes_, model.classes_)
            out[:, where] += model.predict_proba(X[:, columns])
        out /= len(self.members_)
        return out / out.sum(axis=1, keepdims=True)

    def predict(self, X):
        scores = self.predict_proba(X)
        return np.take(self.classes_, scores.argmax(axis=1))


class ResidualMLPBlock(nn.Module):
    def __init__(self, width, hidden):
        super().__init__()
        self.fc1 = nn.Linear(width, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, width)

    def forward(self, x):
        h = self.fc2(self.act(self.fc1(x)))
        return h + x


class _ResidualMLP(nn.Module):
    def __init__(self, in_features, width, n_blocks, n_classes):
        super().__init__()
        self.stem = nn.Linear(in_features, width)
        self.blocks = nn.ModuleList(ResidualMLPBlock(width, 4 * width) for _ in range(n_blocks))
        self.head = nn.Linear(width, n_classes)

    def forward(self, x):
        x = self.stem(x)
        for block in self.blocks:
            x = block(x)
        return self.head(x)


def make_residual_mlp(in_features, width, n_blocks, n_classes):
    return _ResidualMLP(in_features, width, n_blocks, n_classes)
