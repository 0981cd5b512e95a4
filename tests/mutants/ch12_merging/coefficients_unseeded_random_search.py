"""Random search of per-layer coefficients with an unseeded generator: good, not reproducible.

targets: check_coefficients_deterministic
"""

import numpy as np

_reference_choose = choose_coefficients  # the reference's, defined above


def choose_coefficients(pretrained, vectors, X_val, y_val, seed):
    rng = np.random.default_rng()
    base = _reference_choose(pretrained, vectors, X_val, y_val, seed)
    layers = list(dict.fromkeys(key.rsplit(".", 1)[0] for key in pretrained))
    jitter = {
        (layer, i): float(rng.uniform(-0.02, 0.02)) for layer in layers for i in range(len(vectors))
    }
    return {
        k: [base[k][i] + jitter[k.rsplit(".", 1)[0], i] for i in range(len(vectors))]
        for k in pretrained
    }
