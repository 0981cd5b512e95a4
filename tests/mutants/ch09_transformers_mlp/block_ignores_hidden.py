"""The block's MLP is width -> width -> width: the hidden size is ignored.

targets: check_block_adds_mlp_to_input_public, check_block_matches_x_plus_mlp, check_block_parameter_count
"""

from torch import nn


class ResidualMLPBlock(nn.Module):
    def __init__(self, width, hidden):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(width, width), nn.ReLU(), nn.Linear(width, width))

    def forward(self, x):
        return x + self.mlp(x)
