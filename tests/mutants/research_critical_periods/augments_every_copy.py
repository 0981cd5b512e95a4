"""Reads Equation 1 as k augmented copies: all k copies go through augment, none is the original.

targets: check_augmented_rows_match_logged_k
"""

import torch
from torch import nn


def train_adaptive_augmentation(
    model, X, y, augment, k=4, epochs=8, threshold=0.01, patience=2, seed=0
):
    if k < 1 or epochs < 1 or patience < 1:
        raise ValueError("k, epochs and patience must be at least 1")
    inputs = torch.as_tensor(X, dtype=torch.float32)
    targets = torch.as_tensor(y, dtype=torch.int64)
    initial = {name: p.detach().clone() for name, p in model.named_parameters()}
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    logged_k, history, log = k, [], []
    for epoch in range(epochs):
        model.train()
        data = (
            torch.cat([augment(inputs.clone()) for _ in range(logged_k)])
            if logged_k > 1
            else inputs
        )
        labels = targets.repeat(logged_k)
        for batch in torch.randperm(len(data), generator=generator).split(64):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(data[batch]), labels[batch]).backward()
            optimizer.step()
        current = {name: p.detach() for name, p in model.named_parameters()}
        history.append(rotation_metric(initial, current))
        log.append({"epoch": epoch, "k": logged_k, "metric": history[-1]})
        if logged_k > 1 and _critical_period_end(history, threshold, patience) is not None:
            logged_k = 1
    return model.eval(), log
