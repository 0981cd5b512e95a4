"""The head always has five outputs (the size of the first target task), whatever n_classes is.

targets: check_probe_output_size_follows_n_classes
"""

import torch
from torch import nn


def linear_probe(backbone, X_train, y_train, n_classes, epochs, seed):
    torch.manual_seed(seed)
    inputs = torch.as_tensor(X_train, dtype=torch.float32)
    targets = torch.as_tensor(y_train, dtype=torch.int64)
    backbone.eval()
    with torch.no_grad():
        features = backbone(inputs)
    head = nn.Linear(features.shape[1], 5)
    optimizer = torch.optim.Adam(head.parameters(), lr=1e-2)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for batch in torch.randperm(len(features), generator=generator).split(32):
            optimizer.zero_grad()
            nn.functional.cross_entropy(head(features[batch]), targets[batch]).backward()
            optimizer.step()
    return head
