"""Averages the members' logits and then applies one softmax (a different ensemble rule).

targets: check_ensemble_matches_mean_of_softmax
"""

import torch
from torch import nn


class AveragingEnsemble(nn.Module):
    def __init__(self, members):
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, x):
        logits = torch.stack([member(x) for member in self.members]).mean(dim=0)
        return torch.softmax(logits, dim=-1)
