"""Ignores the seed: the head's initialisation and the batch order change from call to call.

targets: check_probe_deterministic
"""

import torch
from torch import nn


def linear_probe(backbone, X_train, y_train, n_classes, epochs, seed):
    inputs = torch.as_tensor(X_train, dtype=torch.float32)
    targets = torch.as_tensor(y_train, dtype=torch.int64)
    backbone.eval()
    with torch.no_grad():
        features = backbone(inputs)
    head = nn.Linear(features.shape[1], n_classes)
    optimizer = torch.optim.Adam(head.parameters(), lr=1e-2)
    for _ in range(epochs):
        for batch in torch.randperm(len(features)).split(32):
            optimizer.zero_grad()
            nn.functional.cross_entropy(head(features[batch]), targets[batch]).backward()
            optimizer.step()
    return head
