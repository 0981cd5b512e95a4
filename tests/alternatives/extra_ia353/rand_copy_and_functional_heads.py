"""Correct, written differently: weights drawn with torch.rand into a fresh tensor and copied in
(the receptive field from numel), modules found through named_modules, a trunk kept as a
ModuleList with functional ReLU, heads as a ParameterList of weights and biases, and compound
scaling with numpy."""

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


def variance_preserving_uniform_(tensor, generator=None):
    if len(tensor.shape) < 2:
        raise ValueError(f"shape {tuple(tensor.shape)} has no fan_in")
    fan_in = tensor.numel() // tensor.shape[0]
    b = np.sqrt(3.0 / fan_in)
    draw = torch.rand(tensor.shape, generator=generator, dtype=tensor.dtype)
    with torch.no_grad():
        tensor.copy_(b * (2.0 * draw - 1.0))
    return tensor


def init_variance_preserving(model, seed=0):
    g = torch.Generator().manual_seed(int(seed))
    kinds = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d)
    for _, module in model.named_modules():
        if isinstance(module, kinds):
            variance_preserving_uniform_(module.weight.data, g)
            if getattr(module, "bias", None) is not None:
                module.bias.data.fill_(0.0)
    return model


class HardSharingMTL(nn.Module):
    def __init__(self, in_features, hidden, task_out_features):
        super().__init__()
        widths = list(hidden) if isinstance(hidden, list | tuple) else [int(hidden)]
        self.layers = nn.ModuleList()
        for a, b in zip([in_features, *widths[:-1]], widths):
            self.layers.append(nn.Linear(a, b))
        self.head_weights = nn.ParameterList()
        self.head_biases = nn.ParameterList()
        for out in task_out_features:
            layer = nn.Linear(widths[-1], out)
            self.head_weights.append(nn.Parameter(layer.weight.detach().clone()))
            self.head_biases.append(nn.Parameter(layer.bias.detach().clone()))

    def forward(self, x):
        for layer in self.layers:
            x = F.relu(layer(x))
        return [F.linear(x, w, b) for w, b in zip(self.head_weights, self.head_biases)]


def compound_scaling(phi, alpha=1.2, beta=1.1, gamma=1.15):
    d, w, r = np.power([alpha, beta, gamma], phi)
    return float(d), float(w), float(r)
