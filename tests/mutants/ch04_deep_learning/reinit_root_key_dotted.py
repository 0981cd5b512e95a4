"""Builds the init_state key as f"{name}.{pname}" for every module: right for submodules, but a
root that owns parameters looks up ".weight" (KeyError) instead of "weight".

targets: check_reinit_keys_are_parameter_owners
"""

import numpy as np
import torch


def reinit_robustness(model, init_state, X, y):
    inputs = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    targets = np.asarray(y)
    modes = [(module, module.training) for module in model.modules()]
    results = {}
    try:
        model.eval()
        with torch.no_grad():
            for name, module in model.named_modules():
                owned = list(module.named_parameters(recurse=False))
                if not owned:
                    continue
                saved = [param.detach().clone() for _, param in owned]
                try:
                    for pname, param in owned:
                        param.copy_(init_state[f"{name}.{pname}"])
                    predictions = model(inputs).argmax(dim=1).numpy()
                    results[name] = float(np.mean(predictions == targets))
                finally:
                    for (_, param), value in zip(owned, saved):
                        param.copy_(value)
    finally:
        for module, training in modes:
            module.training = training
    return results
