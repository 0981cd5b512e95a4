"""Accepts an empty hidden list or a zero width without complaint.

targets: check_dense_concat_rejects_bad_hidden
"""

import torch
from torch import nn


class DenseConcatMLP(nn.Module):
    def __init__(self, in_features, hidden, n_classes):
        super().__init__()
        self.hidden = nn.ModuleList()
        previous = in_features
        for width in hidden:
            self.hidden.append(nn.Sequential(nn.Linear(previous, width), nn.ReLU()))
            previous = width
        self.output = nn.Linear(sum(hidden), n_classes)

    def forward(self, x):
        outputs = []
        for layer in self.hidden:
            x = layer(x)
            outputs.append(x)
        return self.output(torch.cat(outputs, dim=1))
