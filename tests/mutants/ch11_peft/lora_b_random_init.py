"""B initialised randomly like A (the layer's output already differs from the base at init).

targets: check_lora_output_equals_base_at_init, check_lora_merged_weight_at_init_is_base
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
        self.lora_B = nn.Parameter(torch.empty(base.out_features, r))
        nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
        nn.init.kaiming_uniform_(self.lora_B, a=math.sqrt(5))
        self.scaling = alpha / r

    def merged_weight(self):
        return self.base.weight + self.scaling * (self.lora_B @ self.lora_A)

    def forward(self, x):
        return nn.functional.linear(x, self.merged_weight(), self.base.bias)
