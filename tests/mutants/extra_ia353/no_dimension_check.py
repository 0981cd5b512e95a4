"""No check of the number of dimensions: a 1-d tensor gets fan_in from shape[-1].

targets: check_uniform_rejects_fewer_than_two_dims
"""

import math

import torch


def variance_preserving_uniform_(tensor, generator=None):
    fan_in = (
        tensor.shape[1] * math.prod(tensor.shape[2:])
        if tensor.dim() >= 2
        else max(1, tensor.numel())
    )
    bound = math.sqrt(3.0 / fan_in)
    with torch.no_grad():
        return tensor.uniform_(-bound, bound, generator=generator)
