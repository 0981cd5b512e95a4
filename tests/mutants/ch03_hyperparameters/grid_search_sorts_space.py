"""Sorts the value lists of space in place before searching.

targets: check_grid_search_leaves_space_unchanged
"""

import itertools


def grid_search(space, evaluate):
    for values in space.values():
        values.sort(key=str)
    names = list(space)
    results = []
    for combo in itertools.product(*space.values()):
        config = dict(zip(names, combo))
        results.append({"config": config, "score": evaluate(config)})
    return results
