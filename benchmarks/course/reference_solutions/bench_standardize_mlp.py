"""Reference of the benchmark assignment: standardisation and a power-width MLP (4 checks)."""

import numpy as np
import torch
from torch import nn


def standardize_without_leakage(X_train, X_test):
    # BEGIN SOLUTION
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (X_train - mean) / std, (X_test - mean) / std
    # END SOLUTION


def make_power_mlp(in_features, n, k, out_features):
    # BEGIN SOLUTION
    layers, width = [], in_features
    for i in range(1, n + 1):
        layers += [nn.Linear(width, k**i), nn.ReLU()]
        width = k**i
    return nn.Sequential(*layers, nn.Linear(width, out_features))
    # END SOLUTION


def _unused() -> torch.Tensor:  # keeps the torch import honest
    return torch.zeros(1)
