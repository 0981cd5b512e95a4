"""A port of the course's Keras script: a N(1, 1) draw times the weights over the draw's norm
(per layer, biases included), Z through np.meshgrid (transposed), the model left at the last
grid point.

targets: check_direction_small_model_public, check_direction_filter_norms_match_weights, check_landscape_matches_directions, check_landscape_restores_model
"""

import numpy as np
import torch


def filter_normalized_direction(model, seed):
    rng = np.random.default_rng(seed)
    direction = {}
    for name, parameter in model.named_parameters():
        weights = parameter.detach()
        draw = torch.from_numpy(rng.normal(1.0, 1.0, size=tuple(weights.shape))).float()
        direction[name] = draw * weights / draw.norm()
    return direction


def loss_landscape_2d(model, loss_fn, X, y, steps, span, seed):
    delta = filter_normalized_direction(model, seed)
    eta = filter_normalized_direction(model, seed + 1)
    alphas = np.linspace(-span, span, steps)
    betas = np.linspace(-span, span, steps)
    A, B = np.meshgrid(alphas, betas)
    inputs = torch.as_tensor(X, dtype=torch.float32)
    targets = torch.as_tensor(y, dtype=torch.int64)
    parameters = dict(model.named_parameters())
    saved = {name: p.detach().clone() for name, p in parameters.items()}
    Z = np.zeros_like(A)
    model.eval()
    with torch.no_grad():
        for row in range(A.shape[0]):
            for col in range(A.shape[1]):
                for name, p in parameters.items():
                    p.copy_(
                        saved[name]
                        + float(A[row, col]) * delta[name]
                        + float(B[row, col]) * eta[name]
                    )
                Z[row, col] = float(loss_fn(model(inputs), targets))
    return alphas, betas, Z
