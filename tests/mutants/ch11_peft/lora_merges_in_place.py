"""forward() merges the update into the given layer's weight in place and never unmerges it.

targets: check_lora_leaves_base_layer_values_untouched
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
        self.scaling = alpha / r
        self._w0 = base.weight.detach().clone()

    def merged_weight(self):
        return self._w0 + self.scaling * (self.lora_B @ self.lora_A)

    def forward(self, x):
        merged = self.merged_weight()
        with torch.no_grad():
            self.base.weight.copy_(merged)  # "merge" for speed
        return nn.functional.linear(x, merged, self.base.bias)
