"""Counts layers from 0: widths k**0 .. k**(n-1), one hidden layer too narrow at each depth.

targets: check_power_mlp_linear_widths_in_order, check_power_mlp_parameter_count
"""

from torch import nn


def make_power_mlp(in_features, n, k, out_features):
    if n < 1 or k < 1:
        raise ValueError("n and k must be >= 1")
    layers, width = [], in_features
    for i in range(n):
        layers += [nn.Linear(width, k**i), nn.Tanh()]
        width = k**i
    return nn.Sequential(*layers, nn.Linear(width, out_features))
