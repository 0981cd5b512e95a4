"""Builds a network even for n = 0 or k = 0 instead of raising ValueError.

targets: check_power_mlp_rejects_bad_sizes
"""

from torch import nn


def make_power_mlp(in_features, n, k, out_features):
    layers, width = [], in_features
    for i in range(1, n + 1):
        layers += [nn.Linear(width, max(k**i, 1)), nn.ReLU()]
        width = max(k**i, 1)
    return nn.Sequential(*layers, nn.Linear(width, out_features))
