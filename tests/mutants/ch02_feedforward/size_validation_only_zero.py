"""Rejects n = 0 and k = 0 only: a negative n builds a network with no hidden layer, a negative k
fails inside torch with a RuntimeError instead of a ValueError.

targets: check_power_mlp_rejects_bad_sizes
"""

from torch import nn


def make_power_mlp(in_features, n, k, out_features):
    if n == 0 or k == 0:
        raise ValueError(f"n and k must be nonzero, got n={n}, k={k}")
    layers, width = [], in_features
    for i in range(1, n + 1):
        layers += [nn.Linear(width, k**i), nn.ReLU()]
        width = k**i
    layers.append(nn.Linear(width, out_features))
    return nn.Sequential(*layers)
