"""Samples the layers in proportion to their gradient norms but forgets replace=False: the same
layer can be drawn twice.

targets: check_choice_returns_k_distinct_names
"""

import numpy as np
import torch
from torch import nn


def choose_lora_layers(model, X, y, k):
    linear = [(n, m) for n, m in model.named_modules() if isinstance(m, nn.Linear)]
    if not 1 <= k <= len(linear):
        raise ValueError("k")
    was_training = model.training
    model.eval()
    loss = nn.functional.cross_entropy(model(X), y)
    grads = torch.autograd.grad(loss, [m.weight for _, m in linear])
    model.train(was_training)
    norms = np.array([float(g.norm()) for g in grads])
    picks = np.random.default_rng(0).choice(len(linear), size=k, p=norms / norms.sum())
    return [linear[i][0] for i in picks]
