"""No check of r: r = 0 builds empty factors instead of raising ValueError.

targets: check_lora_rank_below_one_raises
"""

import math

import torch
from torch import nn


class LoRALinear(nn.Module):
    def __init__(self, base, r, alpha):
        super().__init__()
        self.base = base.requires_grad_(False)
        self.lora_A = nn.Parameter(torch.empty(max(r, 0), base.in_features))
        if r > 0:
            nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, max(r, 0)))
        self.scaling = alpha / r if r else 0.0

    def merged_weight(self):
        return self.base.weight + self.scaling * (self.lora_B @ self.lora_A)

    def forward(self, x):
        return nn.functional.linear(x, self.merged_weight(), self.base.bias)
