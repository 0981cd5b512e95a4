"""End to end in name only: the backbone is frozen, a linear probe under another name.

targets: check_fine_tune_accuracy_near_reference, check_fine_tune_trains_backbone
"""

import copy

import torch
from torch import nn


def fine_tune(backbone, X_train, y_train, n_classes, epochs, seed):
    torch.manual_seed(seed)
    inputs = torch.as_tensor(X_train, dtype=torch.float32)
    targets = torch.as_tensor(y_train, dtype=torch.int64)
    body = copy.deepcopy(backbone)
    body.requires_grad_(False)
    head = nn.Linear(32, n_classes)
    model = nn.Sequential(body, head)
    optimizer = torch.optim.Adam(
        [{"params": head.parameters(), "lr": 1e-2}, {"params": body.parameters(), "lr": 1e-3}]
    )
    generator = torch.Generator().manual_seed(seed)
    model.train(False)
    head.train()
    for _ in range(epochs):
        for batch in torch.randperm(len(inputs), generator=generator).split(32):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(inputs[batch]), targets[batch]).backward()
            optimizer.step()
    return model.eval()
