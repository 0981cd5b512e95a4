"""One switchable hook per branch, registered once and never removed: the accuracies are right,
but the model comes back with hooks attached.

targets: check_lesion_restores_model
"""

import numpy as np
import torch


def residual_lesion(model, X, y):
    x = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    labels = torch.as_tensor(np.asarray(y), dtype=torch.int64)
    modes = {m: m.training for m in model.modules()}
    model.eval()
    lesioned = {"index": None}
    for i, block in enumerate(model.blocks):
        block.branch.register_forward_hook(
            lambda m, inputs, output, i=i: (
                torch.zeros_like(output) if lesioned["index"] == i else output
            )
        )
    accuracies = {}
    with torch.no_grad():
        for i in range(len(model.blocks)):
            lesioned["index"] = i
            predicted = model(x).argmax(dim=1)
            accuracies[i] = float((predicted == labels).double().mean())
    for module, training in modes.items():
        module.training = training
    return accuracies
