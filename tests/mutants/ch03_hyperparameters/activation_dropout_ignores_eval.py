"""Adds dropout with F.dropout's default training=True: it keeps dropping in eval() mode.

targets: check_activation_deterministic_in_eval
"""

import torch
from torch import nn


class ProposedActivation(nn.Module):
    def forward(self, x):
        y = 0.5 * (x + torch.hypot(x, torch.full_like(x, 2.0)))
        return nn.functional.dropout(y, p=0.1)
