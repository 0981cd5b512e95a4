"""Gives the heads a shared hidden layer of their own (tasks 0 and 1 through one extra Linear),
so two heads share parameters outside the trunk.

targets: check_mtl_each_head_gets_only_its_task
"""

from torch import nn


class HardSharingMTL(nn.Module):
    def __init__(self, in_features, hidden, task_out_features):
        super().__init__()
        widths = [hidden] if isinstance(hidden, int) else list(hidden)
        layers = []
        previous = in_features
        for width in widths:
            layers += [nn.Linear(previous, width), nn.ReLU()]
            previous = width
        self.trunk = nn.Sequential(*layers)
        self.head_hidden = nn.Linear(previous, previous)
        self.heads = nn.ModuleList(nn.Linear(previous, out) for out in task_out_features)

    def forward(self, x):
        shared = self.trunk(x)
        extra = self.head_hidden(shared).relu()
        return [head(extra if index < 2 else shared) for index, head in enumerate(self.heads)]
