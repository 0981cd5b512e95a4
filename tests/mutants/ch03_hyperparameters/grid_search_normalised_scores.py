"""Reports scores divided by the best score instead of evaluate()'s numbers.

targets: check_grid_search_reports_evaluate_scores
"""

import itertools


def grid_search(space, evaluate):
    names = list(space)
    results = []
    for combo in itertools.product(*space.values()):
        config = dict(zip(names, combo))
        results.append({"config": config, "score": evaluate(config)})
    best = max(r["score"] for r in results)
    for r in results:
        r["score"] = r["score"] / best
    return results
