"""Walks the keys of pretrained only: no error for a missing or extra key or another shape
(broadcasting or a KeyError instead of ValueError).

targets: check_task_vector_rejects_mismatch
"""


def task_vector(pretrained, finetuned):
    return {
        key: finetuned[key] - value
        for key, value in pretrained.items()
        if value.is_floating_point() and key in finetuned
    }
