"""Puts the model in eval mode for the measurements and returns it in eval mode.

targets: check_reinit_restores_model
"""

import numpy as np
import torch


def reinit_robustness(model, init_state, X, y):
    inputs = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    model.eval()
    results = {}
    with torch.no_grad():
        for name, module in model.named_modules():
            owned = list(module.named_parameters(recurse=False))
            if not owned:
                continue
            saved = [param.clone() for _, param in owned]
            for pname, param in owned:
                param.copy_(init_state[f"{name}.{pname}"])
            predictions = model(inputs).argmax(dim=1).numpy()
            results[name] = float(np.mean(predictions == np.asarray(y)))
            for (_, param), value in zip(owned, saved):
                param.copy_(value)
    return results
