"""Initialises the weights but leaves PyTorch's default biases.

targets: check_init_biases_zero
"""

import torch
from torch import nn


def init_variance_preserving(model, seed=0):
    generator = torch.Generator().manual_seed(seed)
    for module in model.modules():
        if isinstance(module, nn.Linear | nn.Conv1d | nn.Conv2d | nn.Conv3d):
            variance_preserving_uniform_(module.weight, generator)
    return model
