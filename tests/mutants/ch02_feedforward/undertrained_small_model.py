"""A tiny network trained for a few steps: it cannot memorise the random labels.

targets: check_model_memorises_training_set, check_predictions_follow_the_samples, check_model_is_overparameterised
"""

import numpy as np
import torch
from torch import nn


def memorize_random_labels(X, n_classes, seed):
    X = np.asarray(X, dtype=np.float32)
    y = np.random.default_rng(seed).integers(0, n_classes, size=len(X))
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(X.shape[1], 4), nn.ReLU(), nn.Linear(4, n_classes))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    inputs, targets = torch.from_numpy(X), torch.from_numpy(y)
    for _ in range(20):
        optimizer.zero_grad()
        nn.functional.cross_entropy(model(inputs), targets).backward()
        optimizer.step()
    return model.eval(), y
