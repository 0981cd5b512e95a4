"""Minimises the entropy of the predictions (confidence) and never looks at the target.

targets: check_loss_increases_with_wrong_logit, check_loss_trains_classifier
"""

import torch


def proposed_loss(logits, target):
    log_p = torch.log_softmax(logits, dim=1)
    return -(log_p.exp() * log_p).sum(dim=1).mean()
