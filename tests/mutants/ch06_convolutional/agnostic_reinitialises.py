"""Builds a fresh CNN with global pooling: the architecture is right, the trained weights are lost.

targets: check_agnostic_keeps_parameters, check_agnostic_same_outputs_at_training_resolution
"""

from torch import nn


def make_resolution_agnostic(model):
    layers = list(_digits_cnn().children())
    return nn.Sequential(*layers[:10], nn.AdaptiveAvgPool2d(1), *layers[10:]).eval()
