"""Saves the trained weights with model.state_dict() without cloning: those tensors share memory
with the parameters, so the "restore" copies the re-initialised values onto themselves. Resets
accumulate and the model is returned re-initialised.

targets: check_reinit_one_layer_at_a_time, check_reinit_restores_model, check_reinit_matches_reference
"""

import numpy as np
import torch


def reinit_robustness(model, init_state, X, y):
    trained = model.state_dict()
    inputs = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    was_training = model.training
    model.eval()
    results = {}
    with torch.no_grad():
        for name, module in model.named_modules():
            owned = list(module.named_parameters(recurse=False))
            if not owned:
                continue
            for pname, param in owned:
                param.copy_(init_state[f"{name}.{pname}"])
            predictions = model(inputs).argmax(dim=1).numpy()
            results[name] = float(np.mean(predictions == np.asarray(y)))
            model.load_state_dict(trained)
    model.train(was_training)
    return results
