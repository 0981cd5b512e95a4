"""tanh of the input standardised over the whole tensor: not elementwise.

targets: check_activation_is_elementwise
"""

import torch
from torch import nn


class ProposedActivation(nn.Module):
    def forward(self, x):
        return torch.tanh((x - x.mean()) / (x.std() + 1e-5)) + 0.1 * x
