"""Forgets to freeze: the optimizer gets model.parameters(), so every layer is trained.

targets: check_bn_only_training_keeps_other_parameters
"""

import numpy as np
import torch
from torch import nn


def train_batchnorm_only(model, X, y, epochs, seed):
    inputs = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    targets = torch.as_tensor(np.asarray(y), dtype=torch.int64)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    generator = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(epochs):
        for batch in torch.randperm(len(inputs), generator=generator).split(64):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(inputs[batch]), targets[batch]).backward()
            optimizer.step()
    return model.eval()
