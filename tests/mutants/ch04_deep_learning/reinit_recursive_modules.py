"""Uses module.parameters() (recursive) to decide which modules to re-initialise, so containers
(the root '', nested Sequentials) are reported too, with all their children reset at once.

targets: check_reinit_keys_are_parameter_owners
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
            owned = list(module.named_parameters())
            if not owned:
                continue
            for pname, param in owned:
                param.copy_(init_state[f"{name}.{pname}" if name else pname])
            predictions = model(inputs).argmax(dim=1).numpy()
            results[name] = float(np.mean(predictions == np.asarray(y)))
            model.load_state_dict(trained)
    model.train(was_training)
    return results
