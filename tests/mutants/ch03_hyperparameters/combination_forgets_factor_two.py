"""The factor 2 of y = 2(a - b) + c is dropped: gradients 1, -1, 1.

targets: check_grad_combination_known_values, check_grad_combination_matches_autograd
"""

import torch


def grad_combination(a, b, c, grad_y):
    return grad_y.clone(), -grad_y, grad_y.clone()
