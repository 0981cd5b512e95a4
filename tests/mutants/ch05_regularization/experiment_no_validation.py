"""Accepts removal epochs outside 0..epochs silently (t = -1 or t > epochs mean nothing).

targets: check_critical_period_experiment_rejects_bad_epochs
"""

import numpy as np
import torch
from torch import nn


def critical_period_experiment(X_train, y_train, removal_epochs, epochs=8, seed=0):
    X = torch.tensor(np.asarray(X_train), dtype=torch.float32)
    y = torch.tensor(np.asarray(y_train), dtype=torch.long)
    models = {}
    for t in removal_epochs:
        torch.manual_seed(seed)
        model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        for epoch in range(epochs):
            for batch in torch.randperm(len(X)).split(40):
                x = X[batch]
                if epoch < t:
                    x = x + 0.2 * torch.randn_like(x)
                optimizer.zero_grad()
                nn.functional.cross_entropy(model(x), y[batch]).backward()
                optimizer.step()
        models[t] = model.eval()
    return models
