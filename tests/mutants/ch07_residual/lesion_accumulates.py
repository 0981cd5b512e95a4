"""Zeroes the parameters of each branch in turn and restores the trained weights only at the end:
the lesions accumulate (block i is measured with branches 0..i all zeroed).

targets: check_lesion_small_net_public, check_lesion_matches_judge
"""

import copy

import numpy as np
import torch


def residual_lesion(model, X, y):
    x = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    labels = torch.as_tensor(np.asarray(y), dtype=torch.int64)
    saved = copy.deepcopy(model.state_dict())
    training = model.training
    model.eval()
    accuracies = {}
    with torch.no_grad():
        for i, block in enumerate(model.blocks):
            for parameter in block.branch.parameters():
                parameter.zero_()
            predicted = model(x).argmax(dim=1)
            accuracies[i] = float((predicted == labels).double().mean())
    model.load_state_dict(saved)
    model.train(training)
    return accuracies
