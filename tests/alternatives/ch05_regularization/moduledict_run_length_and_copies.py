"""A correct solution written differently: an nn.ModuleDict ensemble, bagged members trained full
batch with AdamW, random input masking (dropout on the inputs) with RMSprop for the critical-period
runs, torch parameters_to_vector for the metrics, a run-length scan for critical_period_end,
module-level requires_grad_ for freezing, and BatchNorm-only training on a deep copy of the model
(the copy is returned).
"""

import copy

import numpy as np
import torch
from torch import nn
from torch.nn.utils import parameters_to_vector


class AveragingEnsemble(nn.Module):
    def __init__(self, members):
        super().__init__()
        self.models = nn.ModuleDict({str(i): m for i, m in enumerate(members)})

    def forward(self, x):
        total = None
        for model in self.models.values():
            p = torch.softmax(model(x), dim=1)
            total = p if total is None else total + p
        return total / len(self.models)


def train_ensemble(X, y, n_members=3, seed=0):
    rng = np.random.default_rng(seed)
    X = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    y = torch.as_tensor(np.asarray(y), dtype=torch.int64)
    members = []
    for k in range(n_members):
        torch.manual_seed(seed * 7 + k)
        rows = torch.from_numpy(rng.integers(0, len(X), size=len(X)))
        member = nn.Sequential(nn.Linear(X.shape[1], 128), nn.GELU(), nn.Linear(128, 10))
        optimizer = torch.optim.AdamW(member.parameters(), lr=0.01, weight_decay=1e-3)
        for _ in range(150):
            optimizer.zero_grad()
            nn.functional.cross_entropy(member(X[rows]), y[rows]).backward()
            optimizer.step()
        members.append(member.eval())
    return AveragingEnsemble(members).eval()


def critical_period_experiment(X_train, y_train, removal_epochs, epochs=8, seed=0):
    removal_epochs = list(removal_epochs)
    if min(removal_epochs, default=0) < 0 or max(removal_epochs, default=0) > epochs:
        raise ValueError("t must be between 0 and epochs")
    X_train = torch.tensor(X_train, dtype=torch.float32)
    y_train = torch.tensor(y_train, dtype=torch.long)
    n = len(X_train)
    models = {}
    for t in removal_epochs:
        generator = torch.Generator().manual_seed(seed)
        model = nn.Sequential(nn.Linear(64, 100), nn.Tanh(), nn.Linear(100, 10))
        for layer in (model[0], model[2]):
            nn.init.normal_(layer.weight, std=0.1, generator=generator)
            nn.init.zeros_(layer.bias)
        optimizer = torch.optim.RMSprop(model.parameters(), lr=2e-3)
        for epoch in range(epochs):
            for batch in torch.randperm(n, generator=generator).split(25):
                x = X_train[batch]
                if epoch < t:  # random pixel masking (dropout on the inputs)
                    x = x * (torch.rand(x.shape, generator=generator) > 0.2)
                optimizer.zero_grad()
                nn.functional.cross_entropy(model(x), y_train[batch]).backward()
                optimizer.step()
        models[t] = model.eval()
    return models


def _flat(g):
    if isinstance(g, torch.Tensor):
        return g.detach().flatten().double()
    return parameters_to_vector([t.detach().double() for t in g])


def _cosine(a, b):
    if isinstance(a, dict):
        if set(a) != set(b):
            raise ValueError("keys differ")
        a, b = [a[k] for k in a], [b[k] for k in a]
    u, v = _flat(a), _flat(b)
    if u.numel() != v.numel():
        raise ValueError("sizes differ")
    if not (u.any() and v.any()):
        raise ValueError("a zero gradient has no direction")
    cos = (u / u.norm()) @ (v / v.norm())
    return cos.clamp(-1.0, 1.0).item()


def gradient_confusion(g_a, g_b):
    return _cosine(g_a, g_b)


def gradient_predictability(g_now, g_next):
    return _cosine(g_now, g_next)


def layer_rotation(init_state, state):
    out = {}
    for name in init_state:
        distance = 1.0 - _cosine(init_state[name], state[name])
        out[name] = min(max(distance, 0.0), 2.0)
    return out


def critical_period_end(history, threshold, patience):
    run = 0
    previous = None
    for epoch, value in enumerate(history):
        value = float(value)
        if previous is not None:
            run = run + 1 if abs(value - previous) <= threshold else 0
            if run >= patience:
                return epoch - patience
        previous = value
    return None


def freeze_all_but_batchnorm(model):
    model.requires_grad_(False)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm1d | nn.BatchNorm2d | nn.BatchNorm3d):
            module.requires_grad_(True)
    return model


def train_batchnorm_only(model, X, y, epochs, seed):
    model = freeze_all_but_batchnorm(copy.deepcopy(model))
    torch.manual_seed(seed)
    X = torch.from_numpy(np.array(X, dtype=np.float32))
    y = torch.from_numpy(np.array(y, dtype=np.int64))
    optimizer = torch.optim.Adam(filter(lambda p: p.requires_grad, model.parameters()), lr=0.03)
    model.train()
    for _ in range(epochs):
        for batch in torch.randperm(len(X)).split(100):
            if len(batch) > 1:
                optimizer.zero_grad()
                nn.functional.cross_entropy(model(X[batch]), y[batch]).backward()
                optimizer.step()
    return model.eval()
