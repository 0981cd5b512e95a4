"""Correct, written differently: PyTorch's own init helpers (fan from
nn.init._calculate_fan_in_and_fan_out, nn.init.uniform_ with a generator, model.apply), an MTL
model with an OrderedDict trunk and a ModuleDict of heads, and compound scaling through exp/log."""

import math
from collections import OrderedDict

import torch
from torch import nn


def variance_preserving_uniform_(tensor, generator=None):
    if tensor.ndim < 2:
        raise ValueError("a weight needs at least two dimensions")
    fan_in, _ = nn.init._calculate_fan_in_and_fan_out(tensor)
    limit = (3.0 / fan_in) ** 0.5
    return nn.init.uniform_(tensor, -limit, limit, generator=generator)


def init_variance_preserving(model, seed=0):
    generator = torch.Generator()
    generator.manual_seed(seed)

    def visit(module):
        if type(module) in (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d):
            variance_preserving_uniform_(module.weight, generator=generator)
            if module.bias is not None:
                nn.init.zeros_(module.bias)

    model.apply(visit)
    return model


class HardSharingMTL(nn.Module):
    def __init__(self, in_features, hidden, task_out_features):
        super().__init__()
        if isinstance(hidden, int):
            hidden = [hidden]
        sizes = [in_features, *hidden]
        parts = OrderedDict()
        for i in range(len(hidden)):
            parts[f"fc{i}"] = nn.Linear(sizes[i], sizes[i + 1])
            parts[f"act{i}"] = nn.ReLU()
        self.shared = nn.Sequential(parts)
        self.towers = nn.ModuleDict(
            {f"task{t}": nn.Linear(sizes[-1], n) for t, n in enumerate(task_out_features)}
        )
        self.order = [f"task{t}" for t in range(len(task_out_features))]

    def forward(self, x):
        z = self.shared(x)
        return [self.towers[name](z) for name in self.order]


def compound_scaling(phi, alpha=1.2, beta=1.1, gamma=1.15):
    return tuple(math.exp(phi * math.log(c)) for c in (alpha, beta, gamma))
