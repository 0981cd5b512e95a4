"""Concatenates detached copies of the hidden outputs: the forward pass is right, but no gradient
flows through the direct connections, so the first layers of a deep net still starve.

targets: check_dense_concat_deep_gradient
"""

import torch
from torch import nn


class DenseConcatMLP(nn.Module):
    def __init__(self, in_features, hidden, n_classes):
        super().__init__()
        widths = [int(w) for w in hidden]
        if not widths or min(widths) < 1:
            raise ValueError("hidden must be a non-empty sequence of positive widths")
        self.hidden = nn.ModuleList()
        previous = in_features
        for width in widths:
            self.hidden.append(nn.Sequential(nn.Linear(previous, width), nn.ReLU()))
            previous = width
        self.output = nn.Linear(sum(widths), n_classes)

    def forward(self, x):
        outputs = []
        for layer in self.hidden:
            x = layer(x)
            outputs.append(x.detach())
        outputs[-1] = x
        return self.output(torch.cat(outputs, dim=1))
