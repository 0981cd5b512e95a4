"""The task vector taken the wrong way round: pretrained - finetuned.

targets: check_task_vector_small_example, check_task_vector_exact
"""


def task_vector(pretrained, finetuned):
    if set(pretrained) != set(finetuned):
        raise ValueError("the state_dicts have different keys")
    vector = {}
    for key, before in pretrained.items():
        if before.shape != finetuned[key].shape:
            raise ValueError(f"{key}: shapes differ")
        if before.is_floating_point():
            vector[key] = before - finetuned[key]
    return vector
