"""Downsamples with max pooling instead of strided convolutions.

targets: check_all_conv_pools_only_globally
"""

from torch import nn


def make_all_conv_net(in_channels, n_classes):
    return nn.Sequential(
        nn.Conv2d(in_channels, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(64, n_classes, 4),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
    )
