"""A container whose forward feeds the stem's output to every block (x instead of the running
output): every block runs, but only the last one reaches the head.

targets: check_block_stack_every_block_counts
"""

from torch import nn


class _BrokenStack(nn.Module):
    def __init__(self, in_features, width, n_blocks, n_classes):
        super().__init__()
        self.stem = nn.Linear(in_features, width)
        self.blocks = nn.ModuleList(_Block(width) for _ in range(n_blocks))
        self.head = nn.Linear(width, n_classes)

    def forward(self, x):
        x = self.stem(x)
        out = x
        for block in self.blocks:
            out = block(x)
        return self.head(out)


def build_block_stack(in_features, width, n_blocks, n_classes):
    return _BrokenStack(in_features, width, n_blocks, n_classes)
