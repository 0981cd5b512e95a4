"""Builds the heads from the task widths sorted, so the outputs no longer follow the task order.

targets: check_mtl_outputs_follow_task_order
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
        self.heads = nn.ModuleList(
            nn.Linear(previous, out) for out in sorted(task_out_features, reverse=True)
        )

    def forward(self, x):
        shared = self.trunk(x)
        return [head(shared) for head in self.heads]
