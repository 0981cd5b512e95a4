"""Squeezes grad_y "to be safe": size-1 dimensions disappear, so the gradients lose the input's shape.

targets: check_grad_combination_matches_autograd
"""

import torch


def grad_combination(a, b, c, grad_y):
    g = grad_y.squeeze()
    return 2.0 * g, -2.0 * g, g.clone()
