"""The output layer reads only the last hidden layer (a plain MLP): Linear(hidden[-1], n_classes).

targets: check_dense_concat_shape_public, check_dense_concat_reads_every_hidden_layer
"""

from torch import nn


class DenseConcatMLP(nn.Module):
    def __init__(self, in_features, hidden, n_classes):
        super().__init__()
        widths = [int(w) for w in hidden]
        if not widths or min(widths) < 1:
            raise ValueError("hidden must be a non-empty sequence of positive widths")
        layers, previous = [], in_features
        for width in widths:
            layers += [nn.Linear(previous, width), nn.ReLU()]
            previous = width
        self.hidden = nn.Sequential(*layers)
        self.output = nn.Linear(previous, n_classes)

    def forward(self, x):
        return self.output(self.hidden(x))
