"""train_ensemble returns one MLP followed by a softmax instead of an ensemble of members.

targets: check_trained_ensemble_accuracy
"""

import numpy as np
import torch
from torch import nn


def train_ensemble(X, y, n_members=3, seed=0):
    torch.manual_seed(seed)
    inputs = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    targets = torch.as_tensor(np.asarray(y), dtype=torch.int64)
    model = nn.Sequential(nn.Linear(inputs.shape[1], 64), nn.ReLU(), nn.Linear(64, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(8):
        for batch in torch.randperm(len(inputs)).split(64):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(inputs[batch]), targets[batch]).backward()
            optimizer.step()
    return nn.Sequential(model, nn.Softmax(dim=1)).eval()
