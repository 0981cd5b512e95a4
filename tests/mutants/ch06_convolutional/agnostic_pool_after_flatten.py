"""Puts the global pooling after Flatten, where it can do nothing: still one size only.

targets: check_agnostic_accepts_any_size_public
"""

import copy

from torch import nn


def make_resolution_agnostic(model):
    layers = list(copy.deepcopy(model).children())
    flatten = next(i for i, layer in enumerate(layers) if isinstance(layer, nn.Flatten))
    return nn.Sequential(*layers[: flatten + 1], nn.Identity(), *layers[flatten + 1 :]).eval()
