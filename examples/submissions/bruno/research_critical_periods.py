# Bruno: lê a Equação 1 ao pé da letra e aumenta todas as k cópias.

import numpy as np
import torch
from torch import nn


def rotation_metric(init_state, state):
    if sorted(init_state) != sorted(state):
        raise ValueError("the dicts must have the same keys")
    distances = []
    for name in init_state:
        a = torch.as_tensor(init_state[name]).detach().flatten().double()
        b = torch.as_tensor(state[name]).detach().flatten().double()
        if a.numel() != b.numel():
            raise ValueError(f"{name}: sizes differ")
        if not a.any() or not b.any():
            raise ValueError(f"{name}: all-zero tensor")
        cosine = nn.functional.cosine_similarity(a, b, dim=0, eps=0.0).clamp(-1.0, 1.0)
        distances.append(1.0 - cosine.item())
    return sum(distances) / len(distances)


def _settled(history, threshold, patience):
    changes = np.abs(np.diff(np.asarray(history, dtype=float)))
    return any(
        bool(np.all(changes[i : i + patience] <= threshold))
        for i in range(len(changes) - patience + 1)
    )


def train_adaptive_augmentation(
    model, X, y, augment, k=4, epochs=8, threshold=0.01, patience=2, seed=0
):
    if min(k, epochs, patience) < 1:
        raise ValueError("k, epochs and patience must be >= 1")
    X = torch.tensor(np.asarray(X), dtype=torch.float32)
    y = torch.tensor(np.asarray(y), dtype=torch.int64)
    start = {n: p.detach().clone() for n, p in model.named_parameters()}
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    copies, history, log = k, [], []
    for epoch in range(epochs):
        model.train()
        for batch in np.array_split(rng.permutation(len(X)), max(1, len(X) // 32)):
            index = torch.from_numpy(batch)
            # Equation 1: {T(X)}^k, so every copy is augmented
            xb = (
                torch.cat([augment(X[index].clone()) for _ in range(copies)])
                if copies > 1
                else X[index]
            )
            yb = y[index].repeat(copies)
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(xb), yb).backward()
            optimizer.step()
        history.append(rotation_metric(start, dict(model.named_parameters())))
        log.append({"epoch": epoch, "k": copies, "metric": history[-1]})
        if copies > 1 and _settled(history, threshold, patience):
            copies = 1
    model.eval()
    return model, log
