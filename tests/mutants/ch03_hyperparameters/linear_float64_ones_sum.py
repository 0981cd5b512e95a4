"""Sums grad_y over the batch as a dot product with a float64 vector of ones: fine on float64
inputs, but float32 inputs raise a dtype mismatch.

targets: check_grad_linear_matches_autograd
"""

import torch


def grad_linear(x, w, b, grad_y):
    ones = torch.ones(x.shape[0], dtype=torch.float64)
    return grad_y[:, None] * w[None, :], x.T @ grad_y, ones @ grad_y
