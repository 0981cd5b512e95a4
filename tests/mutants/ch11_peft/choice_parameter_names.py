"""Ranks named_parameters() by gradient norm and returns parameter names ("x.0.weight"), not
module names.

targets: check_choice_names_are_linear_layers, check_choice_valid_on_unseen_names
"""

import torch
from torch import nn


def choose_lora_layers(model, X, y, k):
    linear = [name for name, module in model.named_modules() if isinstance(module, nn.Linear)]
    if not 1 <= k <= len(linear):
        raise ValueError("k")
    weights = [(f"{name}.weight", model.get_submodule(name).weight) for name in linear]
    loss = nn.functional.cross_entropy(model(X), y)
    grads = torch.autograd.grad(loss, [w for _, w in weights])
    order = sorted(range(len(weights)), key=lambda i: -float(grads[i].norm()))
    return [weights[i][0] for i in order[:k]]
