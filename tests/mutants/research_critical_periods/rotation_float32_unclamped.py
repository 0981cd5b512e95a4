"""Computes the cosine in float32 without clamping it: unchanged weights can come out slightly below 0.

targets: check_rotation_metric_known_values
"""

import numpy as np
import torch


def rotation_metric(init_state, state):
    if set(init_state) != set(state):
        raise ValueError("different keys")
    distances = []
    for name, initial in init_state.items():
        a, b = initial.detach().reshape(-1).float(), state[name].detach().reshape(-1).float()
        if float(a.norm()) == 0.0 or float(b.norm()) == 0.0:
            raise ValueError("all zero")
        distances.append(1.0 - float(torch.dot(a, b) / (a.norm() * b.norm())))
    return float(np.mean(distances))
