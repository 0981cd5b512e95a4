"""Returns the cosine similarity itself instead of the cosine distance 1 - cos.

targets: check_layer_rotation_small_example, check_layer_rotation_zero_at_init, check_layer_rotation_matches_cosine_distance, check_layer_rotation_known_angles
"""


def layer_rotation(init_state, state):
    return {name: _cosine(_flatten(w0), _flatten(state[name])) for name, w0 in init_state.items()}
