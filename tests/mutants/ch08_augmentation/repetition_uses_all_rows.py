"""The 'repetition' setting trains on all n_small * k rows (it repeats the whole of X[:n_small*k]).

targets: check_small_settings_ignore_extra_rows
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
    settings = {
        "repetition": (X[: n_small * k], y[: n_small * k]),
        "diversity": (np.concatenate([small_X, *jittered]), np.concatenate([small_y] * k)),
        "quantity": (X[: n_small * k], y[: n_small * k]),
    }
    return {
        name: _fit(_digits_network(10, seed), inputs, labels, seed)
        for name, (inputs, labels) in settings.items()
    }
