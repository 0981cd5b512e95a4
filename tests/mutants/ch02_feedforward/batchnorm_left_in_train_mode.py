"""Memorises with a BatchNorm layer but returns the model in train mode: each prediction depends
on the rest of the batch (and a batch of one sample cannot be predicted at all).

targets: check_predictions_follow_the_samples
"""

import numpy as np
import torch
from torch import nn


def memorize_random_labels(X, n_classes, seed):
    X = np.asarray(X, dtype=np.float32)
    y = np.random.default_rng(seed).integers(0, n_classes, size=len(X))
    torch.manual_seed(seed)
    model = nn.Sequential(
        nn.Linear(X.shape[1], 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Linear(256, n_classes)
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    inputs, targets = torch.from_numpy(X), torch.from_numpy(y)
    for _ in range(600):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(inputs), targets).backward()
        optimizer.step()
    return model.train(), y
