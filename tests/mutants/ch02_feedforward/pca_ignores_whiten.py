"""Correct centring and projection, but ignores whiten=True.

targets: check_pca_to_linear_with_whitening
"""

import torch
from torch import nn


def pca_to_linear(pca):
    components = torch.as_tensor(pca.components_, dtype=torch.float64)
    mean = torch.as_tensor(pca.mean_, dtype=torch.float64)
    layer = nn.Linear(components.shape[1], components.shape[0])
    with torch.no_grad():
        layer.weight.copy_(components.float())
        layer.bias.copy_((-(components @ mean)).float())
    return layer
