"""The metric in numpy (np.clip of the cosine), the epoch's data through a seeded DataLoader,
Adam with a larger batch, and the model trained on a deep copy."""

import copy

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def rotation_metric(init_state, state):
    if set(init_state) != set(state):
        raise ValueError("keys differ")
    values = []
    for key, before in init_state.items():
        a = np.asarray(torch.as_tensor(before).detach(), dtype=np.float64).ravel()
        b = np.asarray(torch.as_tensor(state[key]).detach(), dtype=np.float64).ravel()
        if a.size != b.size:
            raise ValueError("sizes differ")
        norm = np.linalg.norm(a) * np.linalg.norm(b)
        if norm == 0:
            raise ValueError("zero tensor")
        values.append(1.0 - float(np.clip(a @ b / norm, -1.0, 1.0)))
    return float(np.mean(values))


def _end(history, threshold, patience):
    for i in range(len(history) - patience):
        window = history[i : i + patience + 1]
        if max(abs(u - v) for u, v in zip(window[1:], window[:-1])) <= threshold:
            return i
    return None


def train_adaptive_augmentation(
    model, X, y, augment, k=4, epochs=8, threshold=0.01, patience=2, seed=0
):
    if k < 1 or epochs < 1 or patience < 1:
        raise ValueError("k, epochs and patience must all be at least 1")
    net = copy.deepcopy(model)
    theta0 = {n: p.detach().clone() for n, p in net.named_parameters()}
    inputs = torch.from_numpy(np.array(X, dtype=np.float32))
    labels = torch.from_numpy(np.array(y, dtype=np.int64))
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(net.parameters(), lr=5e-3)
    log, history, current_k = [], [], k
    for epoch in range(epochs):
        net.train()
        augmented = [augment(inputs.clone()) for _ in range(current_k - 1)]
        dataset = TensorDataset(torch.cat([inputs, *augmented]), labels.repeat(current_k))
        for xb, yb in DataLoader(dataset, batch_size=128, shuffle=True, generator=generator):
            optimizer.zero_grad()
            nn.functional.cross_entropy(net(xb), yb).backward()
            optimizer.step()
        history.append(rotation_metric(theta0, {n: p.detach() for n, p in net.named_parameters()}))
        log.append({"epoch": epoch, "k": current_k, "metric": history[-1]})
        if current_k > 1 and _end(history, threshold, patience) is not None:
            current_k = 1
    return net.eval(), log
