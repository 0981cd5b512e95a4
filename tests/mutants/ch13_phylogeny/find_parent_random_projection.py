"""Compares random projections of the weights (to go faster) drawn without a seed: the answer
can change from one call to the next.

targets: check_find_parent_deterministic
"""

import torch


def find_parent(child, candidates):
    flat = torch.cat([child[k].flatten() for k in sorted(child)]).double()
    projection = torch.randn(len(flat), 8, dtype=torch.float64)
    target = flat @ projection
    distances = []
    for c in candidates:
        other = torch.cat([c[k].flatten() for k in sorted(c)]).double()
        distances.append(
            float((other @ projection - target).norm())
            if not torch.equal(other, flat)
            else float("inf")
        )
    return min(range(len(candidates)), key=lambda i: distances[i])
