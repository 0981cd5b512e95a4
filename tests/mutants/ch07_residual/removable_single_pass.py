"""Greedy search in one pass over the blocks in index order: a block rejected early (block 0)
is never tried again, although it may become removable once later blocks are removed, so many
sets are not maximal.

targets: check_removable_sets_maximal
"""

import numpy as np
import torch


def removable_blocks_per_sample(model, X):
    x = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    modes = {m: m.training for m in model.modules()}
    model.eval()
    n = len(model.blocks)
    sets = []
    with torch.no_grad():
        for b in range(len(x)):
            sample = x[b : b + 1]
            original = int(model(sample).argmax(dim=1))
            chosen = []
            for j in range(n):
                trial = set(chosen + [j])
                handles = [
                    block.branch.register_forward_hook(
                        lambda m, inputs, output: torch.zeros_like(output)
                    )
                    for k, block in enumerate(model.blocks)
                    if k in trial
                ]
                try:
                    if int(model(sample).argmax(dim=1)) == original:
                        chosen.append(j)
                finally:
                    for handle in handles:
                        handle.remove()
            sets.append(chosen)
    for module, training in modes.items():
        module.training = training
    return sets
