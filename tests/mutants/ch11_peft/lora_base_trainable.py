"""Forgets to freeze the base layer: its weight and bias train along with A and B.

targets: check_lora_trainable_tensors, check_lora_base_frozen_under_training
"""

import math

import torch
from torch import nn


class LoRALinear(nn.Module):
    def __init__(self, base, r, alpha):
        super().__init__()
        if r < 1:
            raise ValueError("r < 1")
        self.base = base
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))
        self.scaling = alpha / r

    def merged_weight(self):
        return self.base.weight + self.scaling * (self.lora_B @ self.lora_A)

    def forward(self, x):
        return nn.functional.linear(x, self.merged_weight(), self.base.bias)
