"""The blocks are built and registered but forward skips them: only the projections run.

targets: check_model_has_n_distinct_blocks, check_model_projections
"""

from torch import nn


class _Model(nn.Module):
    def __init__(self, in_features, width, n_blocks, n_classes):
        super().__init__()
        self.inp = nn.Linear(in_features, width)
        self.blocks = nn.ModuleList(ResidualMLPBlock(width, 2 * width) for _ in range(n_blocks))
        self.out = nn.Linear(width, n_classes)

    def forward(self, x):
        return self.out(self.inp(x))


def make_residual_mlp(in_features, width, n_blocks, n_classes):
    return _Model(in_features, width, n_blocks, n_classes)
