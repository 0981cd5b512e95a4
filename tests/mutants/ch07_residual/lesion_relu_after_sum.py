"""Rewrites the forward pass by hand with a ReLU after every residual sum (as in the original
ResNet), which the shipped net does not have: y_i = relu(y_(i-1) + f_i(y_(i-1))).

targets: check_lesion_small_net_public, check_lesion_matches_judge
"""

import numpy as np
import torch


def residual_lesion(model, X, y):
    x = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    labels = torch.as_tensor(np.asarray(y), dtype=torch.int64)
    modes = {m: m.training for m in model.modules()}
    model.eval()
    accuracies = {}
    with torch.no_grad():
        for i in range(len(model.blocks)):
            h = model.stem(x)
            for j, block in enumerate(model.blocks):
                if j != i:
                    h = torch.relu(h + block.branch(h))
            predicted = model.head(h).argmax(dim=1)
            accuracies[i] = float((predicted == labels).double().mean())
    for module, training in modes.items():
        module.training = training
    return accuracies
