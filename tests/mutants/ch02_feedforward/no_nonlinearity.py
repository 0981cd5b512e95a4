"""Stacks Linear layers with no activation: the whole network is one linear map.

targets: check_power_mlp_nonlinearity_between_layers
"""

from torch import nn


def make_power_mlp(in_features, n, k, out_features):
    if n < 1 or k < 1:
        raise ValueError("n and k must be >= 1")
    layers, width = [], in_features
    for i in range(1, n + 1):
        layers.append(nn.Linear(width, k**i))
        width = k**i
    return nn.Sequential(*layers, nn.Linear(width, out_features))
