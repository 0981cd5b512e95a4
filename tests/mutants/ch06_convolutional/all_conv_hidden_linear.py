"""A convolutional trunk with an nn.Linear classifier after the global average.

targets: check_all_conv_no_linear_module, check_all_conv_no_matmul_op
"""

from torch import nn


def make_all_conv_net(in_channels, n_classes):
    return nn.Sequential(
        nn.Conv2d(in_channels, 32, 3, stride=2, padding=1),
        nn.ReLU(),
        nn.Conv2d(32, 64, 3, stride=2, padding=1),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(64, n_classes),
    )
