"""Round robin over the layers in name order: the budget is filled, the scores are ignored.

targets: check_allocation_follows_scores
"""


def allocate_ranks(layer_shapes, scores, budget):
    cost = {name: out + inp for name, (out, inp) in layer_shapes.items()}
    left = budget - sum(cost.values())
    if left < 0:
        raise ValueError("budget too small")
    ranks = dict.fromkeys(layer_shapes, 1)
    changed = True
    while changed:
        changed = False
        for name in sorted(layer_shapes):
            if cost[name] <= left:
                ranks[name] += 1
                left -= cost[name]
                changed = True
    return ranks
