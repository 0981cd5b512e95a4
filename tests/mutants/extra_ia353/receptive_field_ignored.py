"""fan_in = shape[1] only: right for Linear layers, too large a bound for convolutions.

targets: check_uniform_conv_fan_in_includes_receptive_field, check_init_weights_are_variance_preserving
"""

import math

import torch


def variance_preserving_uniform_(tensor, generator=None):
    if tensor.dim() < 2:
        raise ValueError("need at least 2 dims")
    bound = math.sqrt(3.0 / tensor.shape[1])
    with torch.no_grad():
        return tensor.uniform_(-bound, bound, generator=generator)
