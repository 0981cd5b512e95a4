"""Draws from the global RNG: the seed argument changes nothing, and two calls differ.

targets: check_init_deterministic_per_seed
"""

import torch
from torch import nn


def init_variance_preserving(model, seed=0):
    for module in model.modules():
        if isinstance(module, nn.Linear | nn.Conv1d | nn.Conv2d | nn.Conv3d):
            variance_preserving_uniform_(module.weight)
            if module.bias is not None:
                with torch.no_grad():
                    module.bias.zero_()
    return model
