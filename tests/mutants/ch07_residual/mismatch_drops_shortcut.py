""" "Fixes" the mismatch by deleting the shortcut: the network runs, but it is no longer residual
and has no projection.

targets: check_mismatch_network_layers, check_mismatch_network_adds_per_block
"""

from torch import nn


def build_fixed_mismatch_network(in_features, n_classes, n_blocks):
    d = 2
    layers = [nn.Linear(in_features, d), nn.ReLU()]
    for _ in range(n_blocks):
        layers += [
            nn.Linear(d, d),
            nn.ReLU(),
            nn.Linear(d, 2 * d),
            nn.ReLU(),
            nn.Linear(2 * d, 4 * d),
            nn.ReLU(),
            nn.Linear(4 * d, 2 * d),
            nn.ReLU(),
        ]
        d *= 2
        layers += [nn.Linear(d, d), nn.ReLU()]
    layers.append(nn.Linear(d, n_classes))
    return nn.Sequential(*layers)
