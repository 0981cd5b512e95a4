"""Ranks proportional to the scores, rounded down, and the leftover budget is never used.

targets: check_allocation_leaves_no_room
"""


def allocate_ranks(layer_shapes, scores, budget):
    cost = {name: out + inp for name, (out, inp) in layer_shapes.items()}
    left = budget - sum(cost.values())
    if left < 0:
        raise ValueError("budget too small")
    total = sum(scores.values()) or 1.0
    return {name: 1 + int(scores[name] / total * left // cost[name]) for name in layer_shapes}
