"""Computes every point from a saved copy but leaves the model at the last grid point.

targets: check_landscape_restores_model
"""

import numpy as np
import torch


def loss_landscape_2d(model, loss_fn, X, y, steps, span, seed):
    delta = filter_normalized_direction(model, seed)
    eta = filter_normalized_direction(model, seed + 1)
    alphas = np.linspace(-span, span, steps)
    betas = np.linspace(-span, span, steps)
    inputs = torch.as_tensor(X, dtype=torch.float32)
    targets = torch.as_tensor(y, dtype=torch.int64)
    parameters = dict(model.named_parameters())
    saved = {name: p.detach().clone() for name, p in parameters.items()}
    was_training = model.training
    model.eval()
    Z = np.zeros((steps, steps))
    with torch.no_grad():
        for i, alpha in enumerate(alphas):
            for j, beta in enumerate(betas):
                for name, p in parameters.items():
                    p.copy_(saved[name] + float(alpha) * delta[name] + float(beta) * eta[name])
                Z[i, j] = float(loss_fn(model(inputs), targets))
    model.train(was_training)
    return alphas, betas, Z
