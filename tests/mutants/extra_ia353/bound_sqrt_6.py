"""Uses Glorot/He's sqrt(6 / fan_in) bound (variance 2 / fan_in, the ReLU gain) instead of
sqrt(3 / fan_in).

targets: check_uniform_bound_is_sqrt_3_over_fan_in, check_uniform_conv_fan_in_includes_receptive_field, check_init_weights_are_variance_preserving, check_deep_network_keeps_activation_variance
"""

import math

import torch


def variance_preserving_uniform_(tensor, generator=None):
    if tensor.dim() < 2:
        raise ValueError("need at least 2 dims")
    fan_in = tensor.shape[1] * math.prod(tensor.shape[2:])
    bound = math.sqrt(6.0 / fan_in)
    with torch.no_grad():
        return tensor.uniform_(-bound, bound, generator=generator)
