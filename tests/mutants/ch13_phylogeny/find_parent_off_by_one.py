"""Enumerates the candidates from 1 (enumerate(candidates, 1)): every index is one too large.

targets: check_find_parent_accuracy, check_find_parent_small_family
"""

import torch


def find_parent(child, candidates):
    flat = torch.cat([child[k].flatten() for k in sorted(child)])
    best, best_distance = None, float("inf")
    for i, c in enumerate(candidates, 1):
        d = float((torch.cat([c[k].flatten() for k in sorted(c)]) - flat).norm())
        if 0 < d < best_distance:
            best, best_distance = i, d
    return best
