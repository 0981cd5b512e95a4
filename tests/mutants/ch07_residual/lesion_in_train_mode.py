"""Never switches to eval mode: a model that arrives in training mode is measured with BatchNorm's
batch statistics, and those forward passes update its running statistics.

targets: check_lesion_uses_eval_mode, check_lesion_restores_model
"""

import numpy as np
import torch


def residual_lesion(model, X, y):
    x = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    labels = torch.as_tensor(np.asarray(y), dtype=torch.int64)
    accuracies = {}
    with torch.no_grad():
        for i, block in enumerate(model.blocks):
            handle = block.branch.register_forward_hook(
                lambda m, inputs, output: torch.zeros_like(output)
            )
            try:
                predicted = model(x).argmax(dim=1)
            finally:
                handle.remove()
            accuracies[i] = float((predicted == labels).double().mean())
    return accuracies
