"""Casts the input to float32 "for speed": float64 inputs come back as float32.

targets: check_activation_shape_and_dtype
"""

import torch
from torch import nn


class ProposedActivation(nn.Module):
    def forward(self, x):
        x = x.float()
        return 0.5 * (x + torch.hypot(x, torch.full_like(x, 2.0)))
