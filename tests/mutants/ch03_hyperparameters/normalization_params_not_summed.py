"""The per-feature gradients are left per row (n, d) instead of summed over the batch.

targets: check_grad_normalization_statistics, check_grad_normalization_affine
"""

import torch


def grad_normalization(x, mu, sigma, gamma, delta, grad_y):
    x_hat = (x - mu) / sigma
    grad_x = grad_y * gamma / sigma
    return grad_x, -grad_x, -grad_y * gamma * (x - mu) / sigma**2, grad_y * x_hat, grad_y.clone()
