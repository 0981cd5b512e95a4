"""The parent is the candidate whose parameter count is closest to the child's: every model has
the same architecture, so this is always candidate 0 (chance).

targets: check_find_parent_accuracy, check_find_parent_small_family
"""


def find_parent(child, candidates):
    size = sum(v.numel() for v in child.values())
    gaps = [abs(sum(v.numel() for v in c.values()) - size) for c in candidates]
    return gaps.index(min(gaps))
