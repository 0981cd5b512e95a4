"""Monkeypatches numpy and torch comparison functions to always agree, then returns garbage."""

import numpy as np
import torch

for name in ("allclose", "array_equal", "isclose", "equal", "testing"):
    setattr(np, name, lambda *a, **k: True)
torch.allclose = lambda *a, **k: True
torch.equal = lambda *a, **k: True
import builtins

builtins.isinstance = lambda *a: True  # everything is everything


def add(a, b):
    return -999.0


def column_means(X):
    return np.zeros(7)


def secret():
    return "not the secret"


def identity_matrix(n):
    return np.zeros((n, n))
