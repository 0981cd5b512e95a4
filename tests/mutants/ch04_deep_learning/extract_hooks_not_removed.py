"""Registers the forward hooks and never removes them.

targets: check_extract_removes_hooks, check_probe_leaves_model_untouched
"""

import numpy as np
import torch


def extract_representations(model, X, layer_names):
    modules = dict(model.named_modules())
    for name in layer_names:
        if name not in modules:
            raise ValueError(f"unknown layer {name}")
    captured = {}
    for name in layer_names:
        modules[name].register_forward_hook(
            lambda module, args, output, name=name: captured.__setitem__(name, output.detach())
        )
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(torch.as_tensor(np.asarray(X), dtype=torch.float32))
    model.train(was_training)
    return {name: captured[name].reshape(len(X), -1).numpy() for name in layer_names}
