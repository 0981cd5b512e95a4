"""Copies the components but forgets the centring (no bias).

targets: check_pca_to_linear_public, check_pca_to_linear_matches_transform, check_pca_to_linear_with_whitening
"""

import torch
from torch import nn


def pca_to_linear(pca):
    components = torch.as_tensor(pca.components_, dtype=torch.float32)
    layer = nn.Linear(components.shape[1], components.shape[0], bias=False)
    with torch.no_grad():
        layer.weight.copy_(components)
    return layer
