"""Normalises the whole tensor to the weights' norm (per layer) instead of each filter.

targets: check_direction_small_model_public, check_direction_filter_norms_match_weights
"""

import torch


def filter_normalized_direction(model, seed):
    generator = torch.Generator().manual_seed(int(seed))
    direction = {}
    for name, parameter in model.named_parameters():
        weights = parameter.detach()
        if weights.dim() <= 1:
            direction[name] = torch.zeros_like(weights)
            continue
        draw = torch.randn(weights.shape, generator=generator)
        direction[name] = draw * weights.norm() / (draw.norm() + 1e-10)
    return direction
