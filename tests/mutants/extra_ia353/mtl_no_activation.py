"""Forgets the ReLU between layers: the trunk collapses to one linear map and stacks of linear
layers cannot separate the digits as well.

targets: check_mtl_learns_digit_and_parity
"""

from torch import nn


class HardSharingMTL(nn.Module):
    def __init__(self, in_features, hidden, task_out_features):
        super().__init__()
        widths = [hidden] if isinstance(hidden, int) else list(hidden)
        layers = []
        previous = in_features
        for width in widths:
            layers.append(nn.Linear(previous, width))
            previous = width
        self.trunk = nn.Sequential(*layers)
        self.heads = nn.ModuleList(nn.Linear(previous, out) for out in task_out_features)

    def forward(self, x):
        shared = self.trunk(x)
        return [head(shared) for head in self.heads]
