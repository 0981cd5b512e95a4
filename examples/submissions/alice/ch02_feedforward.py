"""Alice's chapter 2 (correct): named Sequential with Tanh, PCA weights set as Parameters, SGD with momentum
on mini-batches for the memorisation.
"""

from collections import OrderedDict

import numpy as np
import torch
from torch import nn


def make_power_mlp(in_features, n, k, out_features):
    if n < 1 or k < 1:
        raise ValueError("n and k must both be at least 1")
    widths = [in_features] + [k**i for i in range(1, n + 1)]
    parts = OrderedDict()
    for i in range(n):
        parts[f"hidden{i + 1}"] = nn.Linear(widths[i], widths[i + 1])
        parts[f"act{i + 1}"] = nn.Tanh()
    parts["output"] = nn.Linear(widths[-1], out_features)
    return nn.Sequential(parts)


def pca_to_linear(pca):
    std = np.sqrt(pca.explained_variance_) if pca.whiten else 1.0
    W = (pca.components_.T / std).T
    layer = nn.Linear(W.shape[1], W.shape[0])
    layer.weight = nn.Parameter(torch.tensor(W, dtype=torch.float32))
    layer.bias = nn.Parameter(torch.tensor(-W @ pca.mean_, dtype=torch.float32))
    return layer


def memorize_random_labels(X, n_classes, seed):
    generator = torch.Generator().manual_seed(seed)
    y = torch.randint(0, n_classes, (len(X),), generator=generator)
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(X.shape[1], 512), nn.ReLU(), nn.Linear(512, n_classes))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    inputs = torch.tensor(X, dtype=torch.float32)
    for epoch in range(400):
        order = torch.randperm(len(X), generator=generator)
        for batch in order.split(32):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(inputs[batch]), y[batch]).backward()
            optimizer.step()
        with torch.no_grad():
            if (model(inputs).argmax(1) == y).all():
                break
    return model, y.numpy()
