"""Accepts removal epochs outside 0..epochs silently (t = -1 or t > epochs mean nothing).

targets: check_critical_period_experiment_rejects_bad_epochs
"""

import numpy as np
import torch
from torch import nn


def critical_period_experiment(removal_epochs, epochs=8, seed=0):
    from sklearn.datasets import load_digits

    data = load_digits()
    X = torch.tensor(data.data[:400] / 16.0, dtype=torch.float32)
    y = torch.tensor(data.target[:400])
    X_test = torch.tensor(data.data[1200:] / 16.0, dtype=torch.float32)
    y_test = data.target[1200:]
    results = {}
    for t in removal_epochs:
        torch.manual_seed(seed)
        model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        for epoch in range(epochs):
            for batch in torch.randperm(400).split(40):
                x = X[batch]
                if epoch < t:
                    x = x + 0.2 * torch.randn_like(x)
                optimizer.zero_grad()
                nn.functional.cross_entropy(model(x), y[batch]).backward()
                optimizer.step()
        with torch.no_grad():
            results[t] = float((model(X_test).argmax(1).numpy() == y_test).mean())
    return results
