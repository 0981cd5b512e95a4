"""One block instance repeated n_blocks times: the blocks share their weights.

targets: check_model_has_n_distinct_blocks
"""

from torch import nn


def make_residual_mlp(in_features, width, n_blocks, n_classes):
    block = ResidualMLPBlock(width, 2 * width)
    return nn.Sequential(
        nn.Linear(in_features, width), *[block] * n_blocks, nn.Linear(width, n_classes)
    )
