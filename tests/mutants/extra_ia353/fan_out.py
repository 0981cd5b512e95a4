"""Reads fan_in from shape[0] (the number of outputs) instead of shape[1].

targets: check_uniform_bound_is_sqrt_3_over_fan_in, check_uniform_conv_fan_in_includes_receptive_field, check_init_weights_are_variance_preserving
"""

import math

import torch


def variance_preserving_uniform_(tensor, generator=None):
    if tensor.dim() < 2:
        raise ValueError("need at least 2 dims")
    fan = tensor.shape[0] * math.prod(tensor.shape[2:])
    bound = math.sqrt(3.0 / fan)
    with torch.no_grad():
        return tensor.uniform_(-bound, bound, generator=generator)
