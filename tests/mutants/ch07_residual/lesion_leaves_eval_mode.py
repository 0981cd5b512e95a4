"""Switches the model to eval mode and never switches it back.

targets: check_lesion_restores_model
"""

import numpy as np
import torch


def residual_lesion(model, X, y):
    x = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    labels = torch.as_tensor(np.asarray(y), dtype=torch.int64)
    model.eval()
    accuracies = {}
    with torch.no_grad():
        for i, block in enumerate(model.blocks):
            handle = block.branch.register_forward_hook(
                lambda m, inputs, output: torch.zeros_like(output)
            )
            predicted = model(x).argmax(dim=1)
            handle.remove()
            accuracies[i] = float((predicted == labels).double().mean())
    return accuracies
