"""dL/dx forgets the gamma factor of the chain rule.

targets: check_grad_normalization_input
"""

import torch


def grad_normalization(x, mu, sigma, gamma, delta, grad_y):
    x_hat = (x - mu) / sigma
    grad_x = grad_y / sigma
    grad_mu = -(grad_y * gamma / sigma).sum(dim=0)
    grad_sigma = -(grad_y * gamma * x_hat / sigma).sum(dim=0)
    return grad_x, grad_mu, grad_sigma, (grad_y * x_hat).sum(dim=0), grad_y.sum(dim=0)
