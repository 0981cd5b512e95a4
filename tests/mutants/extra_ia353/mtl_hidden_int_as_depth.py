"""Reads an int `hidden` as a number of layers of width 64, not as one layer of that width.

targets: check_mtl_hidden_int_is_one_layer
"""

from torch import nn


class HardSharingMTL(nn.Module):
    def __init__(self, in_features, hidden, task_out_features):
        super().__init__()
        widths = [64] * hidden if isinstance(hidden, int) else list(hidden)
        layers = []
        previous = in_features
        for width in widths:
            layers += [nn.Linear(previous, width), nn.ReLU()]
            previous = width
        self.trunk = nn.Sequential(*layers)
        self.heads = nn.ModuleList(nn.Linear(previous, out) for out in task_out_features)

    def forward(self, x):
        shared = self.trunk(x)
        return [head(shared) for head in self.heads]
