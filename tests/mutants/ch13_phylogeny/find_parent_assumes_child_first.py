"""Assumes candidates[0] is always the child itself and skips it: when the parent happens to be
listed first, another model is named.

targets: check_find_parent_order_invariant
"""

import torch


def find_parent(child, candidates):
    target = torch.cat([child[k].flatten() for k in sorted(child)]).double()
    distances = [
        float((torch.cat([c[k].flatten() for k in sorted(c)]).double() - target).norm())
        for c in candidates[1:]
    ]
    eligible = [i for i, d in enumerate(distances) if d > 0]
    return 1 + min(eligible, key=lambda i: distances[i])
