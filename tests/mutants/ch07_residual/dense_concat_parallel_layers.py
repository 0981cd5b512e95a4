"""Every hidden layer reads the input x instead of the previous hidden layer: the outputs are
concatenated, but the network is one layer deep (parallel branches, not a deep MLP).

targets: check_dense_concat_layer_widths
"""

import torch
from torch import nn


class DenseConcatMLP(nn.Module):
    def __init__(self, in_features, hidden, n_classes):
        super().__init__()
        widths = [int(w) for w in hidden]
        if not widths or min(widths) < 1:
            raise ValueError("hidden must be a non-empty sequence of positive widths")
        self.hidden = nn.ModuleList(
            nn.Sequential(nn.Linear(in_features, width), nn.ReLU()) for width in widths
        )
        self.output = nn.Linear(sum(widths), n_classes)

    def forward(self, x):
        return self.output(torch.cat([layer(x) for layer in self.hidden], dim=1))
