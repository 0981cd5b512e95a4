"""Stores the projection as columns (weight = components_.T), so only square cases can even run.

targets: check_pca_to_linear_public, check_pca_to_linear_matches_transform, check_pca_to_linear_with_whitening, check_pca_to_linear_is_linear_layer
"""

import numpy as np
import torch
from torch import nn


def pca_to_linear(pca):
    weight = np.asarray(pca.components_).T
    layer = nn.Linear(weight.shape[1], weight.shape[0])
    with torch.no_grad():
        layer.weight.copy_(torch.as_tensor(weight, dtype=torch.float32))
        layer.bias.copy_(torch.as_tensor(-(weight @ pca.mean_), dtype=torch.float32))
    return layer
