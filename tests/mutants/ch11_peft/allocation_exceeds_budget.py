"""Ranks proportional to the scores, rounded up: the total cost goes over the budget.

targets: check_allocation_within_budget
"""

import math


def allocate_ranks(layer_shapes, scores, budget):
    cost = {name: out + inp for name, (out, inp) in layer_shapes.items()}
    if sum(cost.values()) > budget:
        raise ValueError("budget too small")
    total = sum(scores.values()) or 1.0
    return {
        name: max(1, math.ceil(scores[name] / total * budget / cost[name])) for name in layer_shapes
    }
