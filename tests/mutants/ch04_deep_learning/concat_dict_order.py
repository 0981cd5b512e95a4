"""Concatenates in the dict's order instead of the order of layer_names.

targets: check_concat_order_and_shape
"""

import numpy as np


def concat_representations(reps, layer_names):
    if not layer_names:
        raise ValueError("no layers")
    blocks = [np.asarray(value) for name, value in reps.items() if name in layer_names]
    if len({block.shape[0] for block in blocks}) != 1:
        raise ValueError("different numbers of rows")
    return np.hstack(blocks)
