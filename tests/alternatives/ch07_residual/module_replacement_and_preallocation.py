"""Correct, written differently from the reference:

* stacks built as custom nn.Module containers (an nn.ModuleList of blocks) instead of nn.Sequential;
  the block has 7 components (Dropout included), and the residual version puts a ReLU after the
  sum (as the original ResNet), which the statement allows;
* the mismatch projection is a bias-free Linear and the blocks are written out in forward();
* DenseConcatMLP writes the hidden outputs into a preallocated tensor instead of torch.cat, and
  uses Tanh;
* residual_lesion temporarily *replaces* block.branch by a module that outputs zeros (no hooks);
* removable_blocks_per_sample works sample by sample with the same replacement trick, repeating
  the greedy pass until nothing can be added.
"""

import numpy as np
import torch
from torch import nn


class ChainBlock(nn.Module):
    def __init__(self, width, residual=False):
        super().__init__()
        self.residual = residual
        self.parts = nn.ModuleList(
            [
                nn.Linear(width, width),
                nn.BatchNorm1d(width),
                nn.ReLU(),
                nn.Dropout(0.1),
                nn.Linear(width, width),
                nn.BatchNorm1d(width),
                nn.ReLU(),
            ]
        )

    def forward(self, x):
        h = x
        for part in self.parts:
            h = part(h)
        return torch.relu(x + h) if self.residual else h


class Stack(nn.Module):
    def __init__(self, in_features, width, n_blocks, n_classes, residual):
        super().__init__()
        self.stem = nn.Linear(in_features, width)
        self.blocks = nn.ModuleList(ChainBlock(width, residual) for _ in range(n_blocks))
        self.head = nn.Linear(width, n_classes)

    def forward(self, x):
        x = self.stem(x)
        for block in self.blocks:
            x = block(x)
        return self.head(x)


def build_block_stack(in_features, width, n_blocks, n_classes):
    return Stack(in_features, width, n_blocks, n_classes, residual=False)


def build_residual_stack(in_features, width, n_blocks, n_classes):
    return Stack(in_features, width, n_blocks, n_classes, residual=True)


class KerasNet(nn.Module):
    def __init__(self, in_features, n_classes, n_blocks):
        super().__init__()
        d = 2
        self.entry = nn.Linear(in_features, d)
        self.denses = nn.ModuleList()
        self.projections = nn.ModuleList()
        self.afters = nn.ModuleList()
        for _ in range(n_blocks):
            self.denses.append(
                nn.ModuleList(
                    [
                        nn.Linear(d, d),
                        nn.Linear(d, 2 * d),
                        nn.Linear(2 * d, 4 * d),
                        nn.Linear(4 * d, 2 * d),
                    ]
                )
            )
            self.projections.append(nn.Linear(d, 2 * d, bias=False))
            d *= 2
            self.afters.append(nn.Linear(d, d))
        self.out = nn.Linear(d, n_classes)

    def forward(self, x):
        x = torch.relu(self.entry(x))
        for denses, projection, after in zip(self.denses, self.projections, self.afters):
            shortcut = projection(x)
            for dense in denses:
                x = torch.relu(dense(x))
            x = torch.relu(after(x + shortcut))
        return self.out(x)


def build_fixed_mismatch_network(in_features, n_classes, n_blocks):
    return KerasNet(in_features, n_classes, n_blocks)


class DenseConcatMLP(nn.Module):
    def __init__(self, in_features, hidden, n_classes):
        super().__init__()
        widths = list(hidden)
        if len(widths) == 0 or any(int(w) <= 0 for w in widths):
            raise ValueError("hidden widths must be positive and there must be at least one")
        self.widths = [int(w) for w in widths]
        sizes = [in_features, *self.widths]
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.output = nn.Linear(sum(self.widths), n_classes)

    def forward(self, x):
        features = x.new_empty(x.shape[0], sum(self.widths))
        start = 0
        for layer, width in zip(self.layers, self.widths):
            x = torch.tanh(layer(x))
            features[:, start : start + width] = x
            start += width
        return self.output(features)


class _Zero(nn.Module):
    def forward(self, x):
        return torch.zeros_like(x)


class _replaced:
    """Context manager: blocks[j].branch replaced by _Zero for every j in indices."""

    def __init__(self, model, indices):
        self.model, self.indices, self.saved = model, list(indices), {}

    def __enter__(self):
        for j in self.indices:
            block = self.model.blocks[j]
            self.saved[j] = block.branch
            block.branch = _Zero()

    def __exit__(self, *exc):
        for j, branch in self.saved.items():
            self.model.blocks[j].branch = branch
        return False


def _eval_modes(model):
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    return modes


def _restore(modes):
    for module, training in modes:
        module.training = training


def residual_lesion(model, X, y):
    x = torch.from_numpy(np.array(X, dtype=np.float32))
    y = np.asarray(y)
    modes = _eval_modes(model)
    result = {}
    try:
        with torch.no_grad():
            for i in range(len(model.blocks)):
                with _replaced(model, [i]):
                    predicted = model(x).argmax(1).numpy()
                result[i] = float(np.mean(predicted == y))
    finally:
        _restore(modes)
    return result


def removable_blocks_per_sample(model, X):
    x = torch.from_numpy(np.array(X, dtype=np.float32))
    modes = _eval_modes(model)
    n = len(model.blocks)
    answer = []
    try:
        with torch.no_grad():
            for b in range(len(x)):
                sample = x[b : b + 1]
                label = int(model(sample).argmax(1))
                chosen = set()
                while True:
                    added = False
                    for j in range(n):
                        if j in chosen:
                            continue
                        with _replaced(model, chosen | {j}):
                            if int(model(sample).argmax(1)) == label:
                                chosen.add(j)
                                added = True
                    if not added:
                        break
                answer.append(sorted(chosen))
    finally:
        _restore(modes)
    return answer
