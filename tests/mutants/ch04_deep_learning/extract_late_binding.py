"""The classic closure bug: every hook writes under the loop variable's last value, so all the
requested names get the output of the last hooked layer.

targets: check_extract_matches_forward, check_probe_accuracies_match_judge
"""

import numpy as np
import torch


def extract_representations(model, X, layer_names):
    modules = dict(model.named_modules())
    for name in layer_names:
        if name not in modules:
            raise ValueError(f"unknown layer {name}")
    captured = {}
    handles = []
    for name in layer_names:

        def hook(module, args, output):
            captured[name] = output.detach()

        handles.append(modules[name].register_forward_hook(hook))
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            model(torch.as_tensor(np.asarray(X), dtype=torch.float32))
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    last = captured[layer_names[-1]]
    return {name: captured.get(name, last).reshape(len(X), -1).numpy() for name in layer_names}
