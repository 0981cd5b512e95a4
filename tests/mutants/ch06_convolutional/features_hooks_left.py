"""Never removes its forward hooks.

targets: check_layer_features_leave_model_untouched
"""

import numpy as np
import torch


def layer_features(model, X, layer_names):
    modules = dict(model.named_modules())
    for name in layer_names:
        if name not in modules:
            raise ValueError(f"no submodule named {name!r}")
    inputs = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    outputs = {}
    for name in layer_names:
        modules[name].register_forward_hook(
            lambda module, args, out, name=name: outputs.__setitem__(name, out.detach())
        )
    was_training = model.training
    model.eval()
    with torch.no_grad():
        model(inputs)
    model.train(was_training)
    return {name: outputs[name].reshape(len(inputs), -1).numpy() for name in layer_names}
