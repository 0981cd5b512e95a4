"""Draws from the global generator: the seed argument is ignored.

targets: check_direction_deterministic, check_landscape_deterministic
"""

import torch


def filter_normalized_direction(model, seed):
    direction = {}
    for name, parameter in model.named_parameters():
        weights = parameter.detach()
        if weights.dim() <= 1:
            direction[name] = torch.zeros_like(weights)
            continue
        draw = torch.randn(weights.shape)
        shape = (-1,) + (1,) * (weights.dim() - 1)
        draw_norms = draw.reshape(len(draw), -1).norm(dim=1).reshape(shape)
        weight_norms = weights.reshape(len(weights), -1).norm(dim=1).reshape(shape)
        direction[name] = draw * weight_norms / (draw_norms + 1e-10)
    return direction
