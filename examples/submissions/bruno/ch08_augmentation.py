# Bruno's chapter 8 (forgets the clamp in FGSM; mixup done in place).


import numpy as np
import torch
from torch import nn


def augment_tabular(X, y, seed):
    X = np.asarray(X, dtype=np.float64)
    labels = np.asarray(y)
    X -= 0.0  # works in place on float64 input
    rng = np.random.default_rng(seed)
    partners = np.arange(len(X))
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        partners[members] = rng.permutation(members)
    weights = rng.uniform(0.7, 1.0, size=(len(X), 1))
    X *= weights
    X += (1.0 - weights) * X[partners] / weights
    return X, labels.copy()


def _train(inputs, labels, seed):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(64, 48), nn.Tanh(), nn.Linear(48, 10))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    data = torch.tensor(inputs, dtype=torch.float32)
    targets = torch.tensor(labels, dtype=torch.int64)
    order = np.random.default_rng(seed)
    for _ in range(10):
        for batch in np.array_split(order.permutation(len(data)), max(1, len(data) // 25)):
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(data[batch]), targets[batch])
            loss.backward()
            optimizer.step()
    model.eval()
    return model


def quantity_vs_diversity(X, y, n_small, k, seed):
    if len(X) < n_small * k:
        raise ValueError("X has fewer than n_small * k rows")
    X, y = np.asarray(X), np.asarray(y)
    head_X, head_y = X[:n_small], y[:n_small]
    copies = [augment_tabular(head_X, head_y, seed * 100 + i)[0] for i in range(1, k)]
    return {
        "repetition": _train(np.tile(head_X, (k, 1)), np.tile(head_y, k), seed),
        "diversity": _train(np.vstack([head_X, *copies]), np.tile(head_y, k), seed),
        "quantity": _train(X[: n_small * k], y[: n_small * k], seed),
    }


def fgsm(model, x, y, eps):
    saved = [p.grad for p in model.parameters()]
    point = torch.tensor(np.asarray(x), dtype=torch.float32, requires_grad=True)
    loss = nn.functional.cross_entropy(model(point), torch.as_tensor(y).long(), reduction="sum")
    loss.backward()
    for parameter, grad in zip(model.parameters(), saved):
        parameter.grad = grad
    return (point + eps * torch.sign(point.grad)).detach()  # forgot the clamp


def scaleup_consistency(model, x, scales):
    data = np.asarray(x, dtype=np.float32)
    with torch.no_grad():
        first = model(torch.from_numpy(data)).numpy().argmax(axis=1)
        same = np.zeros(len(data))
        for s in scales:
            scaled = np.minimum(np.maximum(data * s, 0.0), 1.0).astype(np.float32)
            same += model(torch.from_numpy(scaled)).numpy().argmax(axis=1) == first
    return same / len(scales)


def tta_predict(model, x, n, seed):
    data = torch.as_tensor(x, dtype=torch.float32)
    rng = torch.Generator().manual_seed(seed + 17)
    votes = None
    with torch.no_grad():
        for _ in range(n):
            gain = 1.0 + 0.1 * (torch.rand(len(data), 1, generator=rng) - 0.5)
            copy = (data * gain + 0.08 * torch.randn(data.shape, generator=rng)).clamp(0, 1)
            logits = model(copy)
            one_hot = nn.functional.one_hot(logits.argmax(1), logits.shape[1])
            votes = one_hot if votes is None else votes + one_hot
    return votes.argmax(1).numpy().astype(np.int64)


def fgsm_from_distilled(model, x, distilled, eps):
    data = torch.as_tensor(x, dtype=torch.float32)
    with torch.no_grad():
        classes = model(data).argmax(1).tolist()
    saved = [p.grad for p in model.parameters()]
    rows = []
    cache = {}
    for c in classes:
        if c not in cache:
            base = torch.tensor(np.asarray(distilled[c]), dtype=torch.float32)[None]
            base.requires_grad = True
            nn.functional.cross_entropy(model(base), torch.tensor([c])).backward()
            cache[c] = torch.sign(base.grad[0])
        rows.append(cache[c])
    for parameter, grad in zip(model.parameters(), saved):
        parameter.grad = grad
    return (data + eps * torch.stack(rows)).clamp(0.0, 1.0)


# %% [markdown]
# ### Resposta / Answer: tabular_augmentation_effectiveness (8.2)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
#
# Ruído multiplicativo de 5% em torno da média preserva a classe; medi com e sem as cópias, mesmas sem
