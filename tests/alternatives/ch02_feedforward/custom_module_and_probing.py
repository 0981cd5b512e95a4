"""A correct solution: a custom nn.Module with a ModuleList and functional GELU, PCA recovered by
probing pca.transform with the identity and zero, and a custom MLP class trained with Adam.
"""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class PowerMLP(nn.Module):
    def __init__(self, in_features, n, k, out_features):
        super().__init__()
        if n < 1 or k < 1:
            raise ValueError("need n >= 1 and k >= 1")
        sizes = [in_features, *(k**i for i in range(1, n + 1))]
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
        self.head = nn.Linear(sizes[-1], out_features)

    def forward(self, x):
        for layer in self.hidden:
            x = F.gelu(layer(x))
        return self.head(x)


def make_power_mlp(in_features, n, k, out_features):
    return PowerMLP(in_features, n, k, out_features)


def pca_to_linear(pca):
    d = pca.components_.shape[1]
    bias = pca.transform(np.zeros((1, d)))[0]
    weight = (pca.transform(np.eye(d)) - bias).T
    layer = nn.Linear(d, len(bias)).double()
    with torch.no_grad():
        layer.weight[:] = torch.from_numpy(weight)
        layer.bias[:] = torch.from_numpy(bias)
    return layer.float()


class MLP(nn.Module):
    def __init__(self, d, classes):
        super().__init__()
        self.a = nn.Linear(d, 300)
        self.b = nn.Linear(300, 300)
        self.c = nn.Linear(300, classes)

    def forward(self, x):
        return self.c(F.silu(self.b(F.silu(self.a(x)))))


def memorize_random_labels(X, n_classes, seed):
    rng = np.random.RandomState(seed)
    labels = rng.randint(n_classes, size=X.shape[0])
    torch.manual_seed(seed)
    model = MLP(X.shape[1], n_classes)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x, t = torch.as_tensor(np.asarray(X), dtype=torch.float32), torch.as_tensor(labels)
    for _ in range(1500):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), t)
        loss.backward()
        optimizer.step()
        if loss.item() < 0.01:
            break
    return model, labels
