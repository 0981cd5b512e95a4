"""A and B stored transposed, A (in, r) and B (r, out), as in x @ A @ B.

targets: check_lora_trainable_tensors, check_lora_merged_weight_formula
"""

import math

import torch
from torch import nn


class LoRALinear(nn.Module):
    def __init__(self, base, r, alpha):
        super().__init__()
        if r < 1:
            raise ValueError("r < 1")
        self.base = base.requires_grad_(False)
        self.lora_A = nn.Parameter(torch.empty(base.in_features, r))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter(torch.zeros(r, base.out_features))
        self.scaling = alpha / r

    def merged_weight(self):
        return self.base.weight + self.scaling * (self.lora_A @ self.lora_B).T

    def forward(self, x):
        return self.base(x) + self.scaling * (x @ self.lora_A @ self.lora_B)
