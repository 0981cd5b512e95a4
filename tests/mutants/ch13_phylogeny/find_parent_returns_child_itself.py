"""Plain argmin of the distance: an identical copy of the child (distance 0) is named.

targets: check_find_parent_skips_a_copy_of_the_child
"""

import torch


def find_parent(child, candidates):
    flat = torch.cat([child[k].flatten() for k in sorted(child)])
    distances = [
        float((torch.cat([c[k].flatten() for k in sorted(c)]) - flat).norm()) for c in candidates
    ]
    return min(range(len(candidates)), key=lambda i: distances[i])
