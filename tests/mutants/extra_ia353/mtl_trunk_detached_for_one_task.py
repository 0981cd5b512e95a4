"""Detaches the trunk's features for every task but the first ("the main task trains the trunk"):
the other tasks' losses never reach the shared layers.

targets: check_mtl_trunk_gets_gradient_from_every_task
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
        self.heads = nn.ModuleList(nn.Linear(previous, out) for out in task_out_features)

    def forward(self, x):
        shared = self.trunk(x)
        return [head(shared if i == 0 else shared.detach()) for i, head in enumerate(self.heads)]
