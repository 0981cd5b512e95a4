"""Differentiates the sum of the logits instead of the loss (the gradient of the wrong thing).

targets: check_fgsm_linear_example, check_fgsm_matches_judge
"""

import torch


def fgsm(model, x, y, eps):
    inputs = torch.as_tensor(x, dtype=torch.float32).detach().clone().requires_grad_(True)
    (gradient,) = torch.autograd.grad(model(inputs).sum(), inputs)
    return torch.clamp(inputs.detach() + eps * gradient.sign(), 0.0, 1.0)
