"""Handles Linear and Conv2d only: Conv1d and Conv3d layers keep PyTorch's default.

targets: check_init_weights_are_variance_preserving
"""

import torch
from torch import nn


def init_variance_preserving(model, seed=0):
    generator = torch.Generator().manual_seed(seed)
    for module in model.modules():
        if isinstance(module, nn.Linear | nn.Conv2d):
            variance_preserving_uniform_(module.weight, generator)
            if module.bias is not None:
                with torch.no_grad():
                    module.bias.zero_()
    return model
