"""A correct solution written differently: scikit-learn's VotingClassifier (soft voting) over
Pipelines whose ColumnTransformer passes each member its own columns, every member fitted on the
same random subset of rows; a block computing F.silu in forward (no activation module) and a model
built as an nn.Sequential from an OrderedDict.
"""

from collections import OrderedDict

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import VotingClassifier
from sklearn.pipeline import Pipeline
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
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

    def _groups(self, d, rng):
        size = min(self.max_features, d)
        shuffled = rng.permutation(d)
        groups = [shuffled[i : i + size] for i in range(0, d, size)]
        if len(groups) > self.n_estimators:
            raise ValueError("n_estimators * max_features must cover every feature")
        if len(groups[-1]) < size:  # top up the last group with features it lacks
            missing = np.setdiff1d(np.arange(d), groups[-1])
            groups[-1] = np.concatenate(
                [groups[-1], rng.permutation(missing)[: size - len(groups[-1])]]
            )
        while len(groups) < self.n_estimators:
            groups.append(rng.permutation(d)[:size])
        return groups

    def fit(self, X, y):
        X, y = validate_data(self, X, y)
        check_classification_targets(y)
        self.classes_ = np.unique(y)
        rng = check_random_state(self.random_state)
        members = []
        for i, group in enumerate(self._groups(X.shape[1], rng)):
            pick = ColumnTransformer([("pick", "passthrough", list(map(int, group)))])
            members.append(
                (f"m{i}", Pipeline([("pick", pick), ("model", clone(self.base_estimator))]))
            )
        rows = rng.permutation(len(X))[: min(self.max_samples, len(X))]
        self.voting_ = VotingClassifier(members, voting="soft").fit(X[rows], y[rows])
        return self

    def predict_proba(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        voted = self.voting_.predict_proba(X)
        out = np.zeros((len(X), len(self.classes_)))
        out[:, np.searchsorted(self.classes_, self.voting_.classes_)] = voted
        return out

    def predict(self, X):
        best = np.argmax(self.predict_proba(X), axis=1)
        return self.classes_[best]


class ResidualMLPBlock(nn.Module):
    def __init__(self, width, hidden):
        super().__init__()
        self.expand = nn.Linear(width, hidden)
        self.project = nn.Linear(hidden, width)

    def forward(self, x):
        return x + self.project(F.silu(self.expand(x)))


def make_residual_mlp(in_features, width, n_blocks, n_classes):
    layers = OrderedDict(input=nn.Linear(in_features, width))
    for i in range(n_blocks):
        layers[f"block{i}"] = ResidualMLPBlock(width, width * 3)
    layers["output"] = nn.Linear(width, n_classes)
    return nn.Sequential(layers)
