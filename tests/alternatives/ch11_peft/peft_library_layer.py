"""LoRALinear as a thin wrapper around the `peft` library's own LoRA layer
(peft.tuners.lora.layer.Linear): B = 0 and A kaiming-uniform at init (init_lora_weights=True),
scaling alpha / r (use_rslora=False), merged_weight() from peft's get_delta_weight. peft only
freezes base layers in its model-level wrapper, so the wrapped copy is frozen here.

The rest of the assignment is the reference's.
"""

import copy

import torch
from torch import nn

ADAPTER = "default"


class LoRALinear(nn.Module):
    def __init__(self, base, r, alpha):
        super().__init__()
        if r < 1:
            raise ValueError(f"r must be >= 1, got {r}")
        from peft import LoraConfig  # heavy import: only when a layer is built
        from peft.tuners.lora.layer import Linear as PeftLoraLinear

        config = LoraConfig(r=r, lora_alpha=alpha, lora_dropout=0.0, init_lora_weights=True)
        frozen = copy.deepcopy(base).requires_grad_(False)
        self.inner = PeftLoraLinear(
            frozen,
            ADAPTER,
            config=config,
            r=r,
            lora_alpha=alpha,
            lora_dropout=0.0,
            init_lora_weights=True,
            use_rslora=False,
        )

    def merged_weight(self):
        return self.inner.base_layer.weight + self.inner.get_delta_weight(ADAPTER)

    def forward(self, x):
        return self.inner(x)
