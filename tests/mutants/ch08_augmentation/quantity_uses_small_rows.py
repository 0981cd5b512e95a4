"""The 'quantity' setting trains on the first n_small rows too (repeated), like 'repetition'.

targets: check_quantity_uses_extra_rows
"""

import numpy as np


def quantity_vs_diversity(X, y, n_small, k, seed):
    X = np.asarray(X, dtype=np.float32)
    y = np.asarray(y, dtype=np.int64)
    if n_small < 1 or k < 1 or len(X) < n_small * k:
        raise ValueError("not enough rows")
    small_X, small_y = X[:n_small], y[:n_small]
    rng = np.random.default_rng(seed)
    scale = 0.1 * small_X.std(axis=0)
    jittered = [small_X + rng.normal(size=small_X.shape) * scale for _ in range(k - 1)]
    repeated = (np.concatenate([small_X] * k), np.concatenate([small_y] * k))
    settings = {
        "repetition": repeated,
        "diversity": (np.concatenate([small_X, *jittered]), np.concatenate([small_y] * k)),
        "quantity": repeated,
    }
    return {
        name: _fit(_digits_network(10, seed + i), inputs, labels, seed)
        for i, (name, (inputs, labels)) in enumerate(settings.items())
    }
