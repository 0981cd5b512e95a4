"""Puts the model in eval mode and leaves it there.

targets: check_extract_restores_mode_and_state, check_probe_leaves_model_untouched
"""

import numpy as np
import torch


def extract_representations(model, X, layer_names):
    modules = dict(model.named_modules())
    for name in layer_names:
        if name not in modules:
            raise ValueError(f"unknown layer {name}")
    captured = {}
    handles = [
        modules[name].register_forward_hook(
            lambda module, args, output, name=name: captured.__setitem__(name, output.detach())
        )
        for name in layer_names
    ]
    model.eval()
    try:
        with torch.no_grad():
            model(torch.as_tensor(np.asarray(X), dtype=torch.float32))
    finally:
        for handle in handles:
            handle.remove()
    return {name: captured[name].reshape(len(X), -1).numpy() for name in layer_names}
