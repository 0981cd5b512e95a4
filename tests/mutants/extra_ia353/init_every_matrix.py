"""Initialises every parameter with 2 or more dimensions, the embedding table included, and
zeroes every 1-d parameter (norm weights too).

targets: check_init_leaves_other_layers_alone
"""

import torch


def init_variance_preserving(model, seed=0):
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in model.parameters():
            if parameter.dim() >= 2:
                variance_preserving_uniform_(parameter, generator)
            else:
                parameter.zero_()
    return model
