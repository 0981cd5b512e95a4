"""Draws N(0, 1 / fan_in): the right variance, but not the uniform distribution the statement
asks for (values beyond b).

targets: check_uniform_bound_is_sqrt_3_over_fan_in, check_uniform_conv_fan_in_includes_receptive_field, check_init_weights_are_variance_preserving
"""

import math

import torch


def variance_preserving_uniform_(tensor, generator=None):
    if tensor.dim() < 2:
        raise ValueError("need at least 2 dims")
    fan_in = tensor.shape[1] * math.prod(tensor.shape[2:])
    with torch.no_grad():
        return tensor.normal_(0.0, 1.0 / math.sqrt(fan_in), generator=generator)
