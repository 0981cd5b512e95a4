"""argmax instead of argmin of the distance: the farthest model is named.

targets: check_find_parent_accuracy, check_find_parent_small_family
"""

import torch


def find_parent(child, candidates):
    flat = torch.cat([child[k].flatten() for k in sorted(child)])
    distances = [
        float((torch.cat([c[k].flatten() for k in sorted(c)]) - flat).norm()) for c in candidates
    ]
    return max(range(len(candidates)), key=lambda i: distances[i])
