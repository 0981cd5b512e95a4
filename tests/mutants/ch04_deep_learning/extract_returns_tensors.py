"""Returns torch tensors instead of numpy arrays, and does not flatten conv outputs to (n, d).

targets: check_extract_values_are_numpy_arrays, check_extract_flattens_outputs
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
    modes = [(m, m.training) for m in model.modules()]
    try:
        model.eval()
        model(torch.as_tensor(np.asarray(X), dtype=torch.float32))
    finally:
        for handle in handles:
            handle.remove()
        for m, training in modes:
            m.training = training
    return {name: captured[name] for name in layer_names}
