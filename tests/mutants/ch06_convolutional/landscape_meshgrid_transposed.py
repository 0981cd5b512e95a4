"""Fills Z over np.meshgrid(alphas, betas) (default 'xy' indexing): Z[j, i] instead of Z[i, j].

targets: check_landscape_matches_directions
"""

import numpy as np
import torch


def loss_landscape_2d(model, loss_fn, X, y, steps, span, seed):
    delta = filter_normalized_direction(model, seed)
    eta = filter_normalized_direction(model, seed + 1)
    alphas = np.linspace(-span, span, steps)
    betas = np.linspace(-span, span, steps)
    A, B = np.meshgrid(alphas, betas)  # A[j, i] = alphas[i], B[j, i] = betas[j]
    inputs = torch.as_tensor(X, dtype=torch.float32)
    targets = torch.as_tensor(y, dtype=torch.int64)
    parameters = dict(model.named_parameters())
    saved = {name: p.detach().clone() for name, p in parameters.items()}
    was_training = model.training
    Z = np.zeros_like(A)
    model.eval()
    try:
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
    finally:
        with torch.no_grad():
            for name, p in parameters.items():
                p.copy_(saved[name])
        model.train(was_training)
    return alphas, betas, Z
