"""The block returns f(x) alone: the skip connection is missing.

targets: check_block_adds_mlp_to_input_public, check_block_matches_x_plus_mlp, check_block_with_zeroed_last_layer_is_identity
"""

from torch import nn


class ResidualMLPBlock(nn.Module):
    def __init__(self, width, hidden):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(width, hidden), nn.ReLU(), nn.Linear(hidden, width))

    def forward(self, x):
        return self.mlp(x)
