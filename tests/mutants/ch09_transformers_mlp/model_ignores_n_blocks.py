"""Always two blocks, whatever n_blocks says.

targets: check_model_has_n_distinct_blocks
"""

from torch import nn


def make_residual_mlp(in_features, width, n_blocks, n_classes):
    blocks = [ResidualMLPBlock(width, 2 * width) for _ in range(2)]
    return nn.Sequential(nn.Linear(in_features, width), *blocks, nn.Linear(width, n_classes))
