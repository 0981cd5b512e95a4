"""Builds the one-hot targets with F.one_hot(target), which infers the number of classes from
the targets given: when the last class is not among them, the shapes no longer match.

targets: check_loss_decreases_with_true_logit, check_loss_increases_with_wrong_logit
"""

import torch


def proposed_loss(logits, target):
    onehot = torch.nn.functional.one_hot(target).to(logits.dtype)
    log_p = torch.log_softmax(logits, dim=1)
    return -(onehot * (1 - log_p.exp()) ** 2 * log_p).sum(dim=1).mean()
