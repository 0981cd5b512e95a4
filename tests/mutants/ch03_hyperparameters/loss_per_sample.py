"""Forgets the reduction: one loss per sample instead of a scalar.

targets: check_loss_returns_scalar_public, check_loss_is_scalar
"""

import torch


def proposed_loss(logits, target):
    log_p = torch.log_softmax(logits, dim=1).gather(1, target[:, None]).squeeze(1)
    return -((1 - log_p.exp()) ** 2) * log_p
