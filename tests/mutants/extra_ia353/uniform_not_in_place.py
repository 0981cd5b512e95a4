"""Returns a new tensor and leaves the one it was given untouched.

targets: check_uniform_fills_in_place
"""

import math

import torch


def variance_preserving_uniform_(tensor, generator=None):
    if tensor.dim() < 2:
        raise ValueError("need at least 2 dims")
    fan_in = tensor.shape[1] * math.prod(tensor.shape[2:])
    bound = math.sqrt(3.0 / fan_in)
    values = torch.rand(tuple(tensor.shape), generator=generator)
    return (2 * values - 1) * bound
