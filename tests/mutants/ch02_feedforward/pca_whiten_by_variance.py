"""Whitens by dividing by the variance instead of the standard deviation.

targets: check_pca_to_linear_with_whitening
"""

import numpy as np
import torch
from torch import nn


def pca_to_linear(pca):
    scale = np.asarray(pca.explained_variance_) if pca.whiten else np.ones(len(pca.components_))
    weight = pca.components_ / scale[:, None]
    bias = -(pca.components_ @ pca.mean_) / scale
    layer = nn.Linear(weight.shape[1], weight.shape[0])
    with torch.no_grad():
        layer.weight.copy_(torch.as_tensor(weight, dtype=torch.float32))
        layer.bias.copy_(torch.as_tensor(bias, dtype=torch.float32))
    return layer
