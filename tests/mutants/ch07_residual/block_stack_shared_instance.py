"""Repeats one block object n times: PyTorch registers it once, so the n "blocks" share their
weights and the network holds a single block.

targets: check_block_stack_structure_public, check_block_stack_structure_for_several_sizes
"""

from torch import nn


def build_block_stack(in_features, width, n_blocks, n_classes):
    block = _Block(width)
    return nn.Sequential(
        nn.Linear(in_features, width), *[block] * n_blocks, nn.Linear(width, n_classes)
    )
