"""A correct solution written differently: members added with add_module and combined in log space
(logsumexp), differently sized members with dropout trained by SGD, pixel-shift augmentation for the
critical-period experiment, numpy float64 metrics with dicts paired by sorted keys, a vectorised
sliding window for critical_period_end, and BatchNorm-only training with SGD and momentum.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class AveragingEnsemble(nn.Module):
    def __init__(self, members):
        super().__init__()
        self.count = 0
        for member in members:
            self.add_module(f"member{self.count}", member)
            self.count += 1

    def forward(self, x):
        log_probs = torch.stack(
            [F.log_softmax(getattr(self, f"member{i}")(x), dim=1) for i in range(self.count)]
        )
        return torch.exp(torch.logsumexp(log_probs, dim=0) - math.log(self.count))


def train_ensemble(X, y, n_members=3, seed=0):
    X = torch.tensor(np.asarray(X), dtype=torch.float32)
    y = torch.tensor(np.asarray(y), dtype=torch.long)
    members = []
    for k in range(n_members):
        torch.manual_seed(1000 * seed + k)
        width = 48 + 16 * k
        member = nn.Sequential(
            nn.Linear(X.shape[1], width), nn.ReLU(), nn.Dropout(0.1), nn.Linear(width, 10)
        )
        optimizer = torch.optim.SGD(member.parameters(), lr=0.1, momentum=0.9)
        for _ in range(10):
            for batch in torch.randperm(len(X)).split(32):
                optimizer.zero_grad()
                F.cross_entropy(member(X[batch]), y[batch]).backward()
                optimizer.step()
        members.append(member)
    ensemble = AveragingEnsemble(members)
    ensemble.eval()
    return ensemble


def _shift(images, rng):
    """Shift each 8x8 image by -1, 0 or +1 pixel in both directions (zero padding)."""
    out = np.zeros_like(images)
    grid = images.reshape(-1, 8, 8)
    for n, (dy, dx) in enumerate(rng.integers(-1, 2, size=(len(images), 2))):
        padded = np.pad(grid[n], 1)
        out[n] = padded[1 + dy : 9 + dy, 1 + dx : 9 + dx].reshape(-1)
    return out


def critical_period_experiment(X_train, y_train, removal_epochs, epochs=8, seed=0):
    if any(t < 0 or t > epochs for t in removal_epochs):
        raise ValueError("removal epochs must lie in 0..epochs")
    X = np.array(X_train, dtype=np.float32)
    y = np.array(y_train, dtype=np.int64)
    models = {}
    for t in removal_epochs:
        rng = np.random.default_rng(seed + 1)
        torch.manual_seed(seed)
        model = nn.Sequential(nn.Linear(64, 96), nn.ReLU(), nn.Linear(96, 10))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        for epoch in range(epochs):
            inputs = _shift(X, rng) if epoch < t else X
            for batch in np.array_split(rng.permutation(len(X)), max(1, len(X) // 32)):
                optimizer.zero_grad()
                F.cross_entropy(
                    model(torch.from_numpy(inputs[batch])), torch.from_numpy(y[batch])
                ).backward()
                optimizer.step()
        model.eval()
        models[int(t)] = model
    return models


def _vector(g):
    if isinstance(g, torch.Tensor):
        return g.detach().cpu().double().numpy().ravel()
    return np.concatenate([_vector(part) for part in g]) if len(g) else np.zeros(0)


def _vectors(a, b):
    if isinstance(a, dict) or isinstance(b, dict):
        if not (isinstance(a, dict) and isinstance(b, dict)) or sorted(a) != sorted(b):
            raise ValueError("dict gradients need the same keys")
        keys = sorted(a)
        return _vector([a[k] for k in keys]), _vector([b[k] for k in keys])
    return _vector(a), _vector(b)


def _cos(u, v):
    if u.shape != v.shape:
        raise ValueError("gradients of different sizes")
    nu, nv = np.linalg.norm(u), np.linalg.norm(v)
    if nu == 0.0 or nv == 0.0:
        raise ValueError("zero gradient")
    return float(np.clip(u @ v / (nu * nv), -1.0, 1.0))


def gradient_confusion(g_a, g_b):
    return _cos(*_vectors(g_a, g_b))


def gradient_predictability(g_now, g_next):
    return _cos(*_vectors(g_now, g_next))


def layer_rotation(init_state, state):
    return {
        key: float(np.clip(1.0 - _cos(_vector(value), _vector(state[key])), 0.0, 2.0))
        for key, value in init_state.items()
    }


def critical_period_end(history, threshold, patience):
    h = np.asarray(history, dtype=float)
    if len(h) < patience + 1:
        return None
    stable = (np.abs(np.diff(h)) <= threshold).astype(int)
    windows = np.convolve(stable, np.ones(patience, dtype=int), mode="valid")
    hits = np.flatnonzero(windows == patience)
    return int(hits[0]) if len(hits) else None


BATCHNORMS = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d, nn.SyncBatchNorm)


def freeze_all_but_batchnorm(model):
    for parameter in model.parameters():
        parameter.requires_grad = False
    for _, module in model.named_modules():
        if isinstance(module, BATCHNORMS):
            for parameter in module.parameters():
                parameter.requires_grad = True
    return model


def train_batchnorm_only(model, X, y, epochs, seed):
    model = freeze_all_but_batchnorm(model)
    rng = np.random.default_rng(seed)
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y, dtype=np.int64)
    optimizer = torch.optim.SGD(
        [p for p in model.parameters() if p.requires_grad], lr=0.1, momentum=0.9
    )
    model.train()
    for _ in range(epochs):
        order = rng.permutation(len(X))
        for start in range(0, len(X) - 1, 32):
            batch = order[start : start + 32]
            if len(batch) < 2:
                continue
            optimizer.zero_grad()
            loss = F.cross_entropy(model(torch.from_numpy(X[batch])), torch.from_numpy(y[batch]))
            loss.backward()
            optimizer.step()
    return model
