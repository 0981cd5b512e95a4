"""Pairs the two dicts' tensors by insertion order (zip of the values), not by key.

targets: check_rotation_metric_pairs_by_key
"""

import numpy as np
import torch


def rotation_metric(init_state, state):
    if set(init_state) != set(state):
        raise ValueError("different keys")
    distances = []
    for initial, current in zip(init_state.values(), state.values()):
        a = torch.as_tensor(initial).detach().reshape(-1).double()
        b = torch.as_tensor(current).detach().reshape(-1).double()
        if a.shape != b.shape:
            raise ValueError("sizes differ")
        if float(a.norm() * b.norm()) == 0.0:
            raise ValueError("all zero")
        distances.append(
            1.0 - float(torch.clamp(torch.dot(a, b) / (a.norm() * b.norm()), -1.0, 1.0))
        )
    return float(np.mean(distances))
