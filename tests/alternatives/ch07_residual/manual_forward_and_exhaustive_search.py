"""Correct, written differently from the reference:

* blocks as nn.Sequential objects made by a helper (the block class is nn.Sequential), with
  GELU and post-norm ordering; the residual wrapper is a small module around it;
* the mismatch fix keeps the Keras layers in one flat nn.ModuleDict;
* DenseConcatMLP keeps its layers in an nn.Sequential and collects the outputs with hooks-free
  iteration, ending with torch.hstack;
* residual_lesion runs the forward pass by hand (stem, blocks with branch i skipped, head);
* removable_blocks_per_sample tries every subset of blocks (2^6, batched over the samples) and
  keeps, per sample, a largest one that leaves the class unchanged (a largest removable set is
  maximal).
"""

import itertools

import numpy as np
import torch
from torch import nn


def _make_block(width):
    return nn.Sequential(
        nn.Linear(width, width),
        nn.GELU(),
        nn.BatchNorm1d(width),
        nn.Linear(width, width),
        nn.GELU(),
        nn.BatchNorm1d(width),
    )


class Residual(nn.Module):
    def __init__(self, body):
        super().__init__()
        self.body = body

    def forward(self, x):
        return x + self.body(x)


def build_block_stack(in_features, width, n_blocks, n_classes):
    layers = [nn.Linear(in_features, width)]
    layers += [_make_block(width) for _ in range(n_blocks)]
    layers.append(nn.Linear(width, n_classes))
    return nn.Sequential(*layers)


def build_residual_stack(in_features, width, n_blocks, n_classes):
    layers = [nn.Linear(in_features, width)]
    layers += [Residual(_make_block(width)) for _ in range(n_blocks)]
    layers.append(nn.Linear(width, n_classes))
    return nn.Sequential(*layers)


class FixedKeras(nn.Module):
    def __init__(self, in_features, n_classes, n_blocks):
        super().__init__()
        self.n_blocks = n_blocks
        d = 2
        layers = {"input": nn.Linear(in_features, d)}
        for k in range(n_blocks):
            layers[f"b{k}_1"] = nn.Linear(d, d)
            layers[f"b{k}_2"] = nn.Linear(d, 2 * d)
            layers[f"b{k}_3"] = nn.Linear(2 * d, 4 * d)
            layers[f"b{k}_4"] = nn.Linear(4 * d, 2 * d)
            layers[f"b{k}_shortcut"] = nn.Linear(d, 2 * d)
            d *= 2
            layers[f"b{k}_after"] = nn.Linear(d, d)
        layers["output"] = nn.Linear(d, n_classes)
        self.layers = nn.ModuleDict(layers)

    def forward(self, x):
        relu = nn.functional.relu
        x = relu(self.layers["input"](x))
        for k in range(self.n_blocks):
            shortcut = self.layers[f"b{k}_shortcut"](x)
            for step in (1, 2, 3, 4):
                x = relu(self.layers[f"b{k}_{step}"](x))
            x = torch.add(x, shortcut)
            x = relu(self.layers[f"b{k}_after"](x))
        return self.layers["output"](x)


def build_fixed_mismatch_network(in_features, n_classes, n_blocks):
    return FixedKeras(in_features, n_classes, n_blocks)


class DenseConcatMLP(nn.Module):
    def __init__(self, in_features, hidden, n_classes):
        super().__init__()
        if not hidden or min(hidden) <= 0:
            raise ValueError(f"bad hidden widths {hidden!r}")
        modules = []
        for previous, width in zip([in_features, *hidden[:-1]], hidden):
            modules += [nn.Linear(previous, width), nn.LeakyReLU(0.1)]
        self.body = nn.Sequential(*modules)
        self.classifier = nn.Linear(sum(hidden), n_classes)

    def forward(self, x):
        collected = []
        for index, module in enumerate(self.body):
            x = module(x)
            if index % 2 == 1:
                collected.append(x)
        return self.classifier(torch.hstack(collected))


def _logits_without(model, x, skipped):
    """Manual forward: branch j skipped for every sample whose row of `skipped` holds j."""
    h = model.stem(x)
    for j, block in enumerate(model.blocks):
        branch = block.branch(h)
        mask = torch.tensor([j in row for row in skipped], dtype=torch.bool)
        h = torch.where(mask[:, None], h, h + branch)
    return model.head(h)


def _in_eval(model, function):
    saved = {m: m.training for m in model.modules()}
    model.eval()
    try:
        with torch.no_grad():
            return function()
    finally:
        for module, mode in saved.items():  # parents first: each module's own call comes last
            module.train(mode)


def residual_lesion(model, X, y):
    x = torch.as_tensor(X, dtype=torch.float32)
    y = torch.as_tensor(y)

    def run():
        out = {}
        for i in range(len(model.blocks)):
            predicted = _logits_without(model, x, [{i}] * len(x)).argmax(1)
            out[i] = (predicted == y).float().mean().item()
        return out

    return _in_eval(model, run)


def removable_blocks_per_sample(model, X):
    x = torch.as_tensor(X, dtype=torch.float32)
    n = len(model.blocks)

    def run():
        original = _logits_without(model, x, [set()] * len(x)).argmax(1)
        best = [() for _ in range(len(x))]
        for size in range(1, n + 1):
            for subset in itertools.combinations(range(n), size):
                kept = _logits_without(model, x, [set(subset)] * len(x)).argmax(1) == original
                for b in torch.nonzero(kept).flatten().tolist():
                    if len(best[b]) < size:
                        best[b] = subset
        return [list(s) for s in best]

    return _in_eval(model, run)
