"""Converts X with torch.from_numpy: right for float32 numpy arrays, but a tensor X (TypeError)
or a float64 array (dtype mismatch with the float32 weights) fails.

targets: check_extract_admitted_inputs
"""

import torch


def extract_representations(model, X, layer_names):
    modules = dict(model.named_modules())
    unknown = [name for name in layer_names if name not in modules]
    if unknown:
        raise ValueError(f"unknown layers {unknown}")
    captured = {}
    handles = []
    was_training = [(module, module.training) for module in model.modules()]
    try:
        for name in layer_names:
            handles.append(
                modules[name].register_forward_hook(
                    lambda _m, _a, out, name=name: captured.__setitem__(name, out.detach())
                )
            )
        model.eval()
        with torch.no_grad():
            model(torch.from_numpy(X))
    finally:
        for handle in handles:
            handle.remove()
        for module, training in was_training:
            module.training = training
    return {name: captured[name].reshape(len(X), -1).numpy().copy() for name in layer_names}
