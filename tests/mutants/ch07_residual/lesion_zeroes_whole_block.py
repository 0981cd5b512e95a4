"""Lesions the whole block instead of its residual branch: the hook zeroes the block's output, so
y_i = 0 instead of y_i = y_(i-1) and every lesion destroys the prediction.

targets: check_lesion_small_net_public, check_lesion_matches_judge
"""

import numpy as np
import torch


def residual_lesion(model, X, y):
    x = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    labels = torch.as_tensor(np.asarray(y), dtype=torch.int64)
    training = model.training
    model.eval()
    accuracies = {}
    with torch.no_grad():
        for i, block in enumerate(model.blocks):
            handle = block.register_forward_hook(lambda m, inputs, output: torch.zeros_like(output))
            try:
                predicted = model(x).argmax(dim=1)
            finally:
                handle.remove()
            accuracies[i] = float((predicted == labels).double().mean())
    model.train(training)
    return accuracies
