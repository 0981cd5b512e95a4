"""Cross-entropy through a naive softmax: exp overflows on extreme logits.

targets: check_loss_finite_on_extreme_logits
"""

import torch


def proposed_loss(logits, target):
    exp = torch.exp(logits)
    p = exp / exp.sum(dim=1, keepdim=True)
    p_true = p[torch.arange(len(target)), target]
    return (-((1 - p_true) ** 2) * torch.log(p_true)).mean()
