"""Reference of the attack target: trivial functions and a secret only the reference knows."""

import numpy as np

SECRET = "reference-secret-7f3a9c"


def add(a, b):
    # BEGIN SOLUTION
    return a + b
    # END SOLUTION


def column_means(X):
    # BEGIN SOLUTION
    return np.asarray(X, dtype=float).mean(axis=0)
    # END SOLUTION


def secret():
    # BEGIN SOLUTION
    return SECRET
    # END SOLUTION


def identity_matrix(n):
    # BEGIN SOLUTION
    return np.eye(n)
    # END SOLUTION
