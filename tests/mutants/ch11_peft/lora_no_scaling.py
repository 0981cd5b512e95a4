"""The alpha / r scaling is missing: merged_weight() = W0 + B A whatever alpha and r are.

targets: check_lora_merged_weight_formula, check_lora_forward_uses_merged_weight, check_lora_scaling_is_alpha_over_r
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
        self.lora_A = nn.Parameter(torch.empty(r, base.in_features))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))

    def merged_weight(self):
        return self.base.weight + self.lora_B @ self.lora_A

    def forward(self, x):
        return nn.functional.linear(x, self.merged_weight(), self.base.bias)
