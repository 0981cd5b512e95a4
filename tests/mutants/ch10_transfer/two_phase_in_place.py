"""Trains the given backbone object itself instead of a copy.

targets: check_two_phase_leaves_backbone_untouched
"""

import copy

import torch
from torch import nn


def fine_tune_two_phase(
    backbone, X_train, y_train, n_classes, frozen_epochs, unfrozen_epochs, seed
):
    torch.manual_seed(seed)
    inputs = torch.as_tensor(X_train, dtype=torch.float32)
    targets = torch.as_tensor(y_train, dtype=torch.int64)
    body = backbone
    head = nn.Linear(32, n_classes)
    model = nn.Sequential(body, head)
    optimizer = torch.optim.Adam(
        [{"params": head.parameters(), "lr": 1e-2}, {"params": body.parameters(), "lr": 1e-3}]
    )
    generator = torch.Generator().manual_seed(seed)
    history = []
    for epoch in range(frozen_epochs + unfrozen_epochs):
        frozen = epoch < frozen_epochs
        body.requires_grad_(not frozen)
        body.train(not frozen)
        head.train()
        for batch in torch.randperm(len(inputs), generator=generator).split(32):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(inputs[batch]), targets[batch]).backward()
            optimizer.step()
        history.append({k: v.detach().clone() for k, v in body.state_dict().items()})
    return model.eval(), history
