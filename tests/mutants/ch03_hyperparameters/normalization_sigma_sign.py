"""Sign error in dL/dsigma: d(1/sigma)/dsigma taken as +1/sigma^2.

targets: check_grad_normalization_statistics
"""

import torch


def grad_normalization(x, mu, sigma, gamma, delta, grad_y):
    x_hat = (x - mu) / sigma
    grad_x = grad_y * gamma / sigma
    grad_mu = -grad_x.sum(dim=0)
    grad_sigma = (grad_y * gamma * (x - mu) / sigma**2).sum(dim=0)
    grad_gamma = (grad_y * x_hat).sum(dim=0)
    grad_delta = grad_y.sum(dim=0)
    return grad_x, grad_mu, grad_sigma, grad_gamma, grad_delta
