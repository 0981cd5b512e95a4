"""The loss is computed in numpy and wrapped in a new tensor: no gradient reaches the logits.

targets: check_loss_gradient_finite_and_nonzero, check_loss_trains_classifier
"""

import numpy as np
import torch


def proposed_loss(logits, target):
    z = logits.detach().numpy().astype(np.float64)
    z = z - z.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    value = -log_p[np.arange(len(z)), target.numpy()].mean()
    return torch.tensor(value, dtype=torch.float32, requires_grad=True)
