"""Steps along the raw gradient instead of its sign: x + eps * grad.

targets: check_fgsm_linear_example, check_fgsm_matches_judge
"""

import torch
from torch import nn


def fgsm(model, x, y, eps):
    inputs = torch.as_tensor(x, dtype=torch.float32).detach().clone().requires_grad_(True)
    loss = nn.functional.cross_entropy(model(inputs), torch.as_tensor(y, dtype=torch.int64))
    (gradient,) = torch.autograd.grad(loss, inputs)
    return torch.clamp(inputs.detach() + eps * gradient, 0.0, 1.0)
