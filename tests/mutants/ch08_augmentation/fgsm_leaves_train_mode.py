"""Calls model.train() to get gradients and never puts the model back in eval mode.

targets: check_fgsm_leaves_model_untouched
"""

import torch
from torch import nn


def fgsm(model, x, y, eps):
    model.train()
    inputs = torch.as_tensor(x, dtype=torch.float32).detach().clone().requires_grad_(True)
    loss = nn.functional.cross_entropy(model(inputs), torch.as_tensor(y, dtype=torch.int64))
    (gradient,) = torch.autograd.grad(loss, inputs)
    return torch.clamp(inputs.detach() + eps * gradient.sign(), 0.0, 1.0)
