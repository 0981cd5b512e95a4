"""Never seeds anything: initialisation, shuffling and noise change from call to call (and from
one run to the next, so the runs do not share an initialisation either).

targets: check_critical_period_experiment_deterministic, check_critical_period_models_independent_of_other_runs
"""

import numpy as np
import torch
from torch import nn


def critical_period_experiment(X_train, y_train, removal_epochs, epochs=8, seed=0):
    for t in removal_epochs:
        if not 0 <= t <= epochs:
            raise ValueError("bad t")
    X = torch.tensor(np.asarray(X_train), dtype=torch.float32)
    y = torch.tensor(np.asarray(y_train), dtype=torch.long)
    models = {}
    for t in removal_epochs:
        model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
        optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
        for epoch in range(epochs):
            for batch in torch.randperm(len(X)).split(32):
                x = X[batch]
                if epoch < t:
                    x = x + 0.3 * torch.randn_like(x)
                optimizer.zero_grad()
                nn.functional.cross_entropy(model(x), y[batch]).backward()
                optimizer.step()
        models[t] = model.eval()
    return models
