"""Plain SGD with a tiny learning rate: the BatchNorm parameters barely move.

targets: check_bn_only_accuracy_measured_by_judge
"""

import numpy as np
import torch
from torch import nn


def train_batchnorm_only(model, X, y, epochs, seed):
    freeze_all_but_batchnorm(model)
    inputs = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    targets = torch.as_tensor(np.asarray(y), dtype=torch.int64)
    optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    generator = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(epochs):
        for batch in torch.randperm(len(inputs), generator=generator).split(64):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(inputs[batch]), targets[batch]).backward()
            optimizer.step()
    return model.eval()
