"""Adds an epsilon to the norms, so an all-zero tensor silently gets rotation 1 instead of an error.

targets: check_layer_rotation_rejects_zero_tensors
"""

import torch


def layer_rotation(init_state, state):
    result = {}
    for name, w0 in init_state.items():
        a, b = _flatten(w0), _flatten(state[name])
        cos = torch.dot(a, b) / (torch.linalg.vector_norm(a) * torch.linalg.vector_norm(b) + 1e-12)
        result[name] = float(torch.clamp(1.0 - cos, 0.0, 2.0))
    return result
