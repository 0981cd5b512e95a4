"""Gives biases and BatchNorm parameters a random direction too (the norm of the whole vector).

targets: check_direction_zero_for_biases_and_batchnorm
"""

import torch


def filter_normalized_direction(model, seed):
    generator = torch.Generator().manual_seed(int(seed))
    direction = {}
    for name, parameter in model.named_parameters():
        weights = parameter.detach()
        draw = torch.randn(weights.shape, generator=generator)
        if weights.dim() <= 1:
            direction[name] = draw * weights.norm() / (draw.norm() + 1e-10)
            continue
        shape = (-1,) + (1,) * (weights.dim() - 1)
        draw_norms = draw.reshape(len(draw), -1).norm(dim=1).reshape(shape)
        weight_norms = weights.reshape(len(weights), -1).norm(dim=1).reshape(shape)
        direction[name] = draw * weight_norms / (draw_norms + 1e-10)
    return direction
