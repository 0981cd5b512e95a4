"""A ReLU after the sum (the original ResNet's habit): the block can no longer be the identity.

targets: check_block_adds_mlp_to_input_public, check_block_matches_x_plus_mlp, check_block_with_zeroed_last_layer_is_identity
"""

import torch
from torch import nn


class ResidualMLPBlock(nn.Module):
    def __init__(self, width, hidden):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(width, hidden), nn.ReLU(), nn.Linear(hidden, width))

    def forward(self, x):
        return torch.relu(x + self.mlp(x))
