"""Registers hooks while looking names up, so an unknown name raises KeyError halfway, with the
hooks already registered left behind (no validation, no try/finally).

targets: check_extract_unknown_layer_raises, check_extract_leaves_model_when_raising
"""

import numpy as np
import torch


def extract_representations(model, X, layer_names):
    modules = dict(model.named_modules())
    captured = {}
    handles = []
    for name in layer_names:
        handles.append(
            modules[name].register_forward_hook(
                lambda module, args, output, name=name: captured.__setitem__(name, output.detach())
            )
        )
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    with torch.no_grad():
        model(torch.as_tensor(np.asarray(X), dtype=torch.float32))
    for handle in handles:
        handle.remove()
    for m, training in modes:
        m.training = training
    return {name: captured[name].reshape(len(X), -1).numpy() for name in layer_names}
