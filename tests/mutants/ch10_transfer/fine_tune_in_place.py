"""Fine-tunes the given backbone object itself instead of a copy.

targets: check_fine_tune_leaves_backbone_untouched
"""

import copy

import torch
from torch import nn


def fine_tune(backbone, X_train, y_train, n_classes, epochs, seed):
    torch.manual_seed(seed)
    inputs = torch.as_tensor(X_train, dtype=torch.float32)
    targets = torch.as_tensor(y_train, dtype=torch.int64)
    body = backbone
    body.requires_grad_(True)
    head = nn.Linear(32, n_classes)
    model = nn.Sequential(body, head)
    optimizer = torch.optim.Adam(
        [{"params": head.parameters(), "lr": 1e-2}, {"params": body.parameters(), "lr": 1e-3}]
    )
    generator = torch.Generator().manual_seed(seed)
    model.train(True)
    head.train()
    for _ in range(epochs):
        for batch in torch.randperm(len(inputs), generator=generator).split(32):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(inputs[batch]), targets[batch]).backward()
            optimizer.step()
    return model.eval()
