"""Uniform random sampling: the trivial solution the exercise asks to avoid.

targets: check_coreset_covers_better_than_random, check_coreset_represents_far_groups
"""

import numpy as np


def select_coreset(X, k, seed=0):
    if k > len(X):
        raise ValueError("k > n")
    return np.random.default_rng(seed).choice(len(X), size=k, replace=False)
