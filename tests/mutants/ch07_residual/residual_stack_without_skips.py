"""Builds the residual stack exactly like the plain one: no skip connection anywhere.

targets: check_residual_stack_identity_path, check_residual_stack_keeps_first_layer_gradient, check_skips_enlarge_first_layer_gradient
"""

from torch import nn


def build_residual_stack(in_features, width, n_blocks, n_classes):
    return build_block_stack(in_features, width, n_blocks, n_classes)
