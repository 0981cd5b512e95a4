"""Both factors start at zero: the output is right at init, but no gradient ever reaches B.

targets: check_lora_gradient_reaches_b_at_init
"""

import torch
from torch import nn


class LoRALinear(nn.Module):
    def __init__(self, base, r, alpha):
        super().__init__()
        if r < 1:
            raise ValueError("r < 1")
        self.base = base.requires_grad_(False)
        self.lora_A = nn.Parameter(torch.zeros(r, base.in_features))
        self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))
        self.scaling = alpha / r

    def merged_weight(self):
        return self.base.weight + self.scaling * (self.lora_B @ self.lora_A)

    def forward(self, x):
        return nn.functional.linear(x, self.merged_weight(), self.base.bias)
