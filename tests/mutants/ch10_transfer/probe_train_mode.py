"""Freezes the backbone's parameters but runs it in train mode: BatchNorm's running statistics
drift on the target data.

targets: check_probe_leaves_backbone_untouched
"""

import torch
from torch import nn


def linear_probe(backbone, X_train, y_train, n_classes, epochs, seed):
    torch.manual_seed(seed)
    inputs = torch.as_tensor(X_train, dtype=torch.float32)
    targets = torch.as_tensor(y_train, dtype=torch.int64)
    backbone.requires_grad_(False)
    backbone.train()
    head = nn.Linear(32, n_classes)
    optimizer = torch.optim.Adam(head.parameters(), lr=1e-2)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for batch in torch.randperm(len(inputs), generator=generator).split(32):
            with torch.no_grad():
                features = backbone(inputs[batch])
            optimizer.zero_grad()
            nn.functional.cross_entropy(head(features), targets[batch]).backward()
            optimizer.step()
    backbone.eval()
    backbone.requires_grad_(True)
    return head
