"""Computes in float64 for precision and returns float64 to float32 layers.

targets: check_activation_shape_and_dtype
"""

import torch
from torch import nn


class ProposedActivation(nn.Module):
    def forward(self, x):
        x = x.double()
        return 0.5 * (x + torch.hypot(x, torch.full_like(x, 2.0)))
