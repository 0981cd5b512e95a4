"""Re-randomises each layer with reset_parameters() (a fresh draw) instead of copying its values
from init_state.

targets: check_reinit_uses_init_state, check_reinit_matches_reference
"""

import numpy as np
import torch


def reinit_robustness(model, init_state, X, y):
    trained = {k: v.clone() for k, v in model.state_dict().items()}
    inputs = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    was_training = model.training
    model.eval()
    results = {}
    with torch.no_grad():
        for name, module in model.named_modules():
            if not list(module.parameters(recurse=False)):
                continue
            module.reset_parameters()
            predictions = model(inputs).argmax(dim=1).numpy()
            results[name] = float(np.mean(predictions == np.asarray(y)))
            model.load_state_dict(trained)
    model.train(was_training)
    return results
