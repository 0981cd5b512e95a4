"""Measures how far the weights moved, |w_t - w_0| / |w_0|, instead of how much they rotated.

targets: check_layer_rotation_scale_invariant, check_layer_rotation_matches_cosine_distance
"""

import torch


def layer_rotation(init_state, state):
    result = {}
    for name, w0 in init_state.items():
        a, b = _flatten(w0), _flatten(state[name])
        if a.norm() == 0 or b.norm() == 0:
            raise ValueError("zero tensor")
        result[name] = float(
            torch.clamp(torch.linalg.vector_norm(b - a) / torch.linalg.vector_norm(a), 0, 2)
        )
    return result
