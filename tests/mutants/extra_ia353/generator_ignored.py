"""Ignores the generator argument and draws from the global RNG.

targets: check_uniform_follows_the_generator
"""

import math

import torch


def variance_preserving_uniform_(tensor, generator=None):
    if tensor.dim() < 2:
        raise ValueError("need at least 2 dims")
    fan_in = tensor.shape[1] * math.prod(tensor.shape[2:])
    bound = math.sqrt(3.0 / fan_in)
    with torch.no_grad():
        return tensor.uniform_(-bound, bound)
