"""Fixes the mismatch by changing the Keras architecture instead of projecting the shortcut: the
branch's last Dense outputs d features, so the sum works without a projection.

targets: check_mismatch_network_layers
"""

from torch import nn


class _NarrowBlock(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.branch = nn.Sequential(
            nn.Linear(d, d),
            nn.ReLU(),
            nn.Linear(d, 2 * d),
            nn.ReLU(),
            nn.Linear(2 * d, 4 * d),
            nn.ReLU(),
            nn.Linear(4 * d, d),
            nn.ReLU(),
        )
        self.after = nn.Sequential(nn.Linear(d, 2 * d), nn.ReLU())

    def forward(self, x):
        return self.after(self.branch(x) + x)


def build_fixed_mismatch_network(in_features, n_classes, n_blocks):
    d = 2
    layers = [nn.Linear(in_features, d), nn.ReLU()]
    for _ in range(n_blocks):
        layers.append(_NarrowBlock(d))
        d *= 2
    layers.append(nn.Linear(d, n_classes))
    return nn.Sequential(*layers)
