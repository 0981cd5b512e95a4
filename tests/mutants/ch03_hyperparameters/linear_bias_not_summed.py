"""dL/db is returned per sample (grad_y itself) instead of summed over the batch.

targets: check_grad_linear_known_values, check_grad_linear_matches_autograd
"""

import torch


def grad_linear(x, w, b, grad_y):
    return torch.outer(grad_y, w), x.T @ grad_y, grad_y.clone()
