"""Counts the entries of the state_dict: buffers and both names of a shared layer are counted.

targets: check_count_parameters_trainable_only, check_count_parameters_shared_counted_once
"""


def count_parameters(model):
    return int(sum(value.numel() for value in model.state_dict().values()))
