"""A "probe" whose optimizer also holds the backbone's parameters: the backbone is trained.

targets: check_probe_leaves_backbone_untouched
"""

import torch
from torch import nn


def linear_probe(backbone, X_train, y_train, n_classes, epochs, seed):
    torch.manual_seed(seed)
    inputs = torch.as_tensor(X_train, dtype=torch.float32)
    targets = torch.as_tensor(y_train, dtype=torch.int64)
    backbone.eval()
    head = nn.Linear(32, n_classes)
    optimizer = torch.optim.Adam(
        [{"params": head.parameters(), "lr": 1e-2}, {"params": backbone.parameters(), "lr": 1e-4}]
    )
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for batch in torch.randperm(len(inputs), generator=generator).split(32):
            optimizer.zero_grad()
            logits = head(backbone(inputs[batch]))
            nn.functional.cross_entropy(logits, targets[batch]).backward()
            optimizer.step()
    return head
