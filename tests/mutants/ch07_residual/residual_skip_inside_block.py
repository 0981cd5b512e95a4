"""Puts the skip connection inside the block, around its last four components only: the first
Linear and ReLU of every block stay on the only path, so the signal and the gradient still have to
cross all of them.

targets: check_residual_stack_identity_path, check_residual_stack_keeps_first_layer_gradient
"""

from torch import nn


class _InnerSkipBlock(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.entry = nn.Sequential(nn.Linear(width, width), nn.ReLU())
        self.inner = nn.Sequential(
            nn.BatchNorm1d(width), nn.ReLU(), nn.Linear(width, width), nn.BatchNorm1d(width)
        )

    def forward(self, x):
        h = self.entry(x)
        return h + self.inner(h)


def build_residual_stack(in_features, width, n_blocks, n_classes):
    blocks = [_InnerSkipBlock(width) for _ in range(n_blocks)]
    return nn.Sequential(nn.Linear(in_features, width), *blocks, nn.Linear(width, n_classes))
