"""Evaluates everything to find the best, then evaluates again to build the results.

targets: check_grid_search_evaluates_each_config_once
"""

import itertools


def grid_search(space, evaluate):
    names = list(space)
    configs = [dict(zip(names, v)) for v in itertools.product(*space.values())]
    best = max(configs, key=evaluate)
    print("best configuration:", best)
    return [{"config": c, "score": evaluate(c)} for c in configs]
