"""Right sets, but the model is switched to eval mode and left there.

targets: check_removable_leaves_model_untouched
"""

import torch


def removable_blocks_per_sample(model, X):
    model.eval()
    x = torch.as_tensor(X, dtype=torch.float32)
    n = len(model.blocks)
    with torch.no_grad():
        removed = torch.zeros(len(x), n, dtype=torch.bool)
        original = _predict_with_removed(model, x, removed)
        grew = True
        while grew:
            grew = False
            for j in range(n):
                trial = removed.clone()
                trial[:, j] = True
                kept = _predict_with_removed(model, x, trial) == original
                accepted = kept & ~removed[:, j]
                if accepted.any():
                    removed[accepted, j] = True
                    grew = True
    return [torch.nonzero(row).flatten().tolist() for row in removed]
