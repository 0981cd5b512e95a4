"""Keeps the true labels fgsm received in a global and uses them as the class c in 8.4.

targets: check_distilled_ignores_labels_elsewhere
"""

import torch
from torch import nn

_LAST_LABELS = {}


def fgsm(model, x, y, eps):
    _LAST_LABELS["y"] = torch.as_tensor(y, dtype=torch.int64).clone()
    inputs = torch.as_tensor(x, dtype=torch.float32).detach().clone().requires_grad_(True)
    loss = nn.functional.cross_entropy(model(inputs), _LAST_LABELS["y"])
    (gradient,) = torch.autograd.grad(loss, inputs)
    return torch.clamp(inputs.detach() + eps * gradient.sign(), 0.0, 1.0)


def fgsm_from_distilled(model, x, distilled, eps):
    inputs = torch.as_tensor(x, dtype=torch.float32)
    labels = _LAST_LABELS.get("y")
    if labels is None or len(labels) != len(inputs):
        with torch.no_grad():
            labels = model(inputs).argmax(dim=1)
    directions = {}
    for c in labels.unique().tolist():
        base = torch.as_tensor(distilled[c], dtype=torch.float32).reshape(1, -1).clone()
        base.requires_grad_(True)
        loss = nn.functional.cross_entropy(model(base), torch.tensor([c]))
        (gradient,) = torch.autograd.grad(loss, base)
        directions[c] = gradient[0].sign()
    step = torch.stack([directions[c] for c in labels.tolist()])
    return torch.clamp(inputs + eps * step, 0.0, 1.0)
