"""'New' activation that is GELU written by hand.

targets: check_activation_is_not_builtin
"""

import math

import torch
from torch import nn


class ProposedActivation(nn.Module):
    def forward(self, x):
        return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))
