"""Forgets to clamp the adversarial image back to [0, 1].

targets: check_fgsm_linear_example, check_fgsm_matches_judge, check_fgsm_in_unit_range
"""

import torch
from torch import nn


def fgsm(model, x, y, eps):
    inputs = torch.as_tensor(x, dtype=torch.float32).detach().clone().requires_grad_(True)
    loss = nn.functional.cross_entropy(model(inputs), torch.as_tensor(y, dtype=torch.int64))
    (gradient,) = torch.autograd.grad(loss, inputs)
    return inputs.detach() + eps * gradient.sign()
