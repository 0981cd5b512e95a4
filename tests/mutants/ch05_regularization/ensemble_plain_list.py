"""Keeps the members in a plain Python list: they are not submodules (no parameters, no .eval()).

targets: check_ensemble_registers_members, check_ensemble_eval_propagates_to_members
"""

import torch
from torch import nn


class AveragingEnsemble(nn.Module):
    def __init__(self, members):
        super().__init__()
        self.members = list(members)

    def forward(self, x):
        return torch.stack([torch.softmax(m(x), dim=-1) for m in self.members]).mean(dim=0)
