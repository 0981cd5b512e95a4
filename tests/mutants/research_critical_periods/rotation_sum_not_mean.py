"""Adds the per-tensor rotations up instead of averaging them.

targets: check_rotation_metric_small_example, check_rotation_metric_matches_definition, check_rotation_metric_known_values, check_logged_metric_is_rotation_of_returned_model
"""

import torch


def rotation_metric(init_state, state):
    if set(init_state) != set(state):
        raise ValueError("different keys")
    total = 0.0
    for name, initial in init_state.items():
        a = torch.as_tensor(initial).detach().reshape(-1).double()
        b = torch.as_tensor(state[name]).detach().reshape(-1).double()
        if float(a.norm() * b.norm()) == 0.0:
            raise ValueError(f"{name} is all zero")
        total += 1.0 - float(torch.clamp(torch.dot(a, b) / (a.norm() * b.norm()), -1.0, 1.0))
    return total
