"""The Keras code translated literally: the branch ends with 2d features and the shortcut has d,
so the sum raises a shape error for every n_blocks.

targets: check_mismatch_network_shape_public, check_mismatch_network_runs_for_1_to_6_blocks
"""

from torch import nn


class _KerasBlock(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.branch = nn.Sequential(
            nn.Linear(d, d),
            nn.ReLU(),
            nn.Linear(d, 2 * d),
            nn.ReLU(),
            nn.Linear(2 * d, 4 * d),
            nn.ReLU(),
            nn.Linear(4 * d, 2 * d),
            nn.ReLU(),
        )
        self.after = nn.Sequential(nn.Linear(2 * d, 2 * d), nn.ReLU())

    def forward(self, x):
        return self.after(self.branch(x) + x)


def build_fixed_mismatch_network(in_features, n_classes, n_blocks):
    d = 2
    layers = [nn.Linear(in_features, d), nn.ReLU()]
    for _ in range(n_blocks):
        layers.append(_KerasBlock(d))
        d *= 2
    layers.append(nn.Linear(d, n_classes))
    return nn.Sequential(*layers)
