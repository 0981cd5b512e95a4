"""Sums over the rows as a product with a float64 vector of ones: float32 inputs raise a dtype
mismatch.

targets: check_grad_normalization_input, check_grad_normalization_statistics, check_grad_normalization_affine
"""

import torch


def grad_normalization(x, mu, sigma, gamma, delta, grad_y):
    ones = torch.ones(x.shape[0], dtype=torch.float64)
    x_hat = (x - mu) / sigma
    grad_x_hat = grad_y * gamma
    grad_x = grad_x_hat / sigma
    grad_sigma = -(ones @ (grad_x_hat * x_hat)) / sigma
    return grad_x, -(ones @ grad_x), grad_sigma, ones @ (grad_y * x_hat), ones @ grad_y
