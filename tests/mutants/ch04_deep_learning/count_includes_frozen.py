"""Counts every parameter, frozen ones included (forgets requires_grad).

targets: check_count_parameters_trainable_only
"""


def count_parameters(model):
    return sum(p.numel() for p in model.parameters())
