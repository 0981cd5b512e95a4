"""Plain FGSM with the predicted labels: the gradient is taken at x, not at the distilled sample.

targets: check_distilled_matches_judge
"""

import torch
from torch import nn


def fgsm_from_distilled(model, x, distilled, eps):
    inputs = torch.as_tensor(x, dtype=torch.float32).detach().clone()
    with torch.no_grad():
        predicted = model(inputs).argmax(dim=1)
    inputs.requires_grad_(True)
    loss = nn.functional.cross_entropy(model(inputs), predicted)
    (gradient,) = torch.autograd.grad(loss, inputs)
    return torch.clamp(inputs.detach() + eps * gradient.sign(), 0.0, 1.0)
