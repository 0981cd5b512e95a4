"""Takes three signed steps of size eps (iterative FGSM) and never projects back to the eps-ball.

targets: check_fgsm_linear_example, check_fgsm_matches_judge, check_fgsm_within_eps
"""

import torch
from torch import nn


def fgsm(model, x, y, eps):
    current = torch.as_tensor(x, dtype=torch.float32).detach().clone()
    labels = torch.as_tensor(y, dtype=torch.int64)
    for _ in range(3):
        current.requires_grad_(True)
        loss = nn.functional.cross_entropy(model(current), labels)
        (gradient,) = torch.autograd.grad(loss, current)
        current = torch.clamp(current.detach() + eps * gradient.sign(), 0.0, 1.0)
    return current
