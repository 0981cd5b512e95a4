"""Written differently from the reference throughout:

* LoRALinear keeps copies of W0 and b as *buffers* (so they cannot train and the given layer is
  never referenced), the factors in an nn.ParameterDict, and computes the output with addmm;
* allocate_ranks by water-filling: the largest threshold t with sum max(1, floor(s_l t)) cost_l
  within budget, then the leftover handed out in rounds by descending score;
* choose_lora_layers by the sensitivity |W * dL/dW| summed per layer (loss.backward(), gradients
  reset to None afterwards);
* merge_loras_by_clustering with scikit-learn's KMeans (k-means++, 10 restarts).
"""

import math

import numpy as np
import torch
from sklearn.cluster import KMeans
from torch import nn


class LoRALinear(nn.Module):
    def __init__(self, base, r, alpha):
        super().__init__()
        if not r >= 1:
            raise ValueError("rank must be positive")
        self.register_buffer("w0", base.weight.detach().clone())
        bias = base.bias.detach().clone() if base.bias is not None else None
        self.register_buffer("b0", bias)
        a = torch.empty(r, base.in_features)
        nn.init.kaiming_uniform_(a, a=math.sqrt(5))
        self.factors = nn.ParameterDict(
            {"down": nn.Parameter(a), "up": nn.Parameter(torch.zeros(base.out_features, r))}
        )
        self.s = float(alpha) / r

    def merged_weight(self):
        return torch.addmm(self.w0, self.factors["up"], self.factors["down"], alpha=self.s)

    def forward(self, x):
        out = x @ self.merged_weight().t()
        return out if self.b0 is None else out + self.b0


def allocate_ranks(layer_shapes, scores, budget):
    names = list(layer_shapes)
    cost = np.array([sum(layer_shapes[n]) for n in names], dtype=np.int64)
    score = np.array([scores[n] for n in names], dtype=float)
    if cost.sum() > budget:
        raise ValueError("budget below one rank per layer")

    def ranks_at(t):
        return np.maximum(1, np.floor(score * t)).astype(np.int64)

    low, high = 0.0, 1.0
    while (ranks_at(high) * cost).sum() <= budget and high < 1e9:
        high *= 2
    for _ in range(60):
        mid = (low + high) / 2
        if (ranks_at(mid) * cost).sum() <= budget:
            low = mid
        else:
            high = mid
    ranks = ranks_at(low)
    left = budget - int((ranks * cost).sum())
    order = sorted(range(len(names)), key=lambda i: (-score[i], names[i]))
    while any(cost[i] <= left for i in order):
        for i in order:
            if cost[i] <= left:
                ranks[i] += 1
                left -= int(cost[i])
    return {n: int(r) for n, r in zip(names, ranks)}


def choose_lora_layers(model, X, y, k):
    layers = {n: m for n, m in model.named_modules() if type(m) is nn.Linear}
    if k < 1 or k > len(layers):
        raise ValueError("k out of range")
    modes = [(m, m.training) for m in model.modules()]
    flags = [(p, p.requires_grad) for p in model.parameters()]
    model.eval()
    for p in model.parameters():
        p.requires_grad_(True)
    nn.functional.cross_entropy(model(X.float()), y.long()).backward()
    sensitivity = {n: float((m.weight * m.weight.grad).abs().sum()) for n, m in layers.items()}
    for p, flag in flags:
        p.grad = None
        p.requires_grad_(flag)
    for m, mode in modes:
        m.training = mode
    return sorted(layers, key=lambda n: (-sensitivity[n], n))[:k]


def merge_loras_by_clustering(loras, k, seed):
    a_parts = [torch.as_tensor(A).double() for A, _ in loras]
    b_parts = [torch.as_tensor(B).double().T for _, B in loras]
    units = torch.cat([torch.cat(pair, dim=1) for pair in zip(a_parts, b_parts)]).numpy()
    if k < 1 or k > units.shape[0]:
        raise ValueError("k must be in 1..total rank")
    km = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(units)
    centres = km.cluster_centers_
    n = a_parts[0].shape[1]
    return torch.tensor(centres[:, :n]), torch.tensor(centres[:, n:].T)
