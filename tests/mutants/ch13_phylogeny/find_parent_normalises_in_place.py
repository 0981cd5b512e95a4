"""Normalises every tensor in place (div_) before comparing directions: the caller's state_dicts
are changed.

targets: check_find_parent_leaves_inputs_untouched
"""

import torch


def find_parent(child, candidates):
    def unit(state):
        flat = torch.cat([state[k].flatten() for k in sorted(state)])
        scale = flat.norm()
        for k in state:
            state[k].div_(scale)
        return torch.cat([state[k].flatten() for k in sorted(state)])

    target = unit(child)
    distances = [float((unit(c) - target).norm()) for c in candidates]
    eligible = [i for i, d in enumerate(distances) if d > 1e-6]
    return min(eligible, key=lambda i: distances[i])
