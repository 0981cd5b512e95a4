"""Forgets the minus sign of the log-likelihood.

targets: check_loss_decreases_with_true_logit, check_loss_trains_classifier
"""

import torch


def proposed_loss(logits, target):
    return torch.log_softmax(logits, dim=1).gather(1, target[:, None]).mean()
