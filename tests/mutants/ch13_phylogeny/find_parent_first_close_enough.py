"""Returns the first candidate (in list order) closer than half the child's norm, instead of
the nearest one: grandparents and siblings often qualify first.

targets: check_find_parent_accuracy
"""

import torch


def find_parent(child, candidates):
    flat = torch.cat([child[k].flatten() for k in sorted(child)])
    distances = []
    for i, c in enumerate(candidates):
        d = float((torch.cat([c[k].flatten() for k in sorted(c)]) - flat).norm())
        if 0 < d < 0.5 * float(flat.norm()):
            return i
        distances.append(d if d > 0 else float("inf"))
    return min(range(len(candidates)), key=lambda i: distances[i])
