"""Never seeds anything: initialisation, shuffling and noise change from call to call.

targets: check_critical_period_experiment_deterministic
"""

import numpy as np
import torch
from torch import nn


def critical_period_experiment(removal_epochs, epochs=8, seed=0):
    from sklearn.datasets import load_digits

    for t in removal_epochs:
        if not 0 <= t <= epochs:
            raise ValueError("bad t")
    data = load_digits()
    X = torch.tensor(data.data[:300] / 16.0, dtype=torch.float32)
    y = torch.tensor(data.target[:300])
    X_test = torch.tensor(data.data[1000:1500] / 16.0, dtype=torch.float32)
    y_test = data.target[1000:1500]
    results = {}
    for t in removal_epochs:
        model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
        optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
        for epoch in range(epochs):
            for batch in torch.randperm(300).split(32):
                x = X[batch]
                if epoch < t:
                    x = x + 0.3 * torch.randn_like(x)
                optimizer.zero_grad()
                nn.functional.cross_entropy(model(x), y[batch]).backward()
                optimizer.step()
        with torch.no_grad():
            results[t] = float((model(X_test).argmax(1).numpy() == y_test).mean())
    return results
