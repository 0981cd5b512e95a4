"""Takes b = sqrt(1 / fan_in), forgetting that Var(U(-b, b)) = b² / 3: the variance shrinks
threefold per layer.

targets: check_uniform_bound_is_sqrt_3_over_fan_in, check_uniform_conv_fan_in_includes_receptive_field, check_init_weights_are_variance_preserving, check_deep_network_keeps_activation_variance
"""

import math

import torch


def variance_preserving_uniform_(tensor, generator=None):
    if tensor.dim() < 2:
        raise ValueError("need at least 2 dims")
    fan_in = tensor.shape[1] * math.prod(tensor.shape[2:])
    bound = 1.0 / math.sqrt(fan_in)
    with torch.no_grad():
        return tensor.uniform_(-bound, bound, generator=generator)
