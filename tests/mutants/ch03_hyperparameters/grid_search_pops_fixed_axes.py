"""Moves the axes with a single value out of space (space.pop) and adds them to every config.

targets: check_grid_search_leaves_space_unchanged
"""

import itertools


def grid_search(space, evaluate):
    fixed = {name: space.pop(name)[0] for name in list(space) if len(space[name]) == 1}
    names = list(space)
    results = []
    for values in itertools.product(*space.values()):
        config = {**dict(zip(names, values)), **fixed}
        results.append({"config": config, "score": evaluate(config)})
    return results
