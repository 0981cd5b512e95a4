"""A block whose activations are torch.relu calls in forward: only four components (Linear,
BatchNorm1d, Linear, BatchNorm1d) are registered as submodules.

targets: check_block_stack_structure_public, check_block_stack_structure_for_several_sizes
"""

import torch
from torch import nn


class _FunctionalBlock(nn.Module):
    def __init__(self, width):
        super().__init__()
        self.first = nn.Linear(width, width)
        self.norm1 = nn.BatchNorm1d(width)
        self.second = nn.Linear(width, width)
        self.norm2 = nn.BatchNorm1d(width)

    def forward(self, x):
        x = torch.relu(self.norm1(self.first(x)))
        return torch.relu(self.norm2(self.second(x)))


def build_block_stack(in_features, width, n_blocks, n_classes):
    blocks = [_FunctionalBlock(width) for _ in range(n_blocks)]
    return nn.Sequential(nn.Linear(in_features, width), *blocks, nn.Linear(width, n_classes))
