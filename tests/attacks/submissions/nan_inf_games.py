"""NaN and inf games: NaN compares unequal to everything, inf minus inf is NaN."""

import numpy as np


def add(a, b):
    return float("nan")


def column_means(X):
    return np.full(np.shape(X)[1], np.nan)


def secret():
    return float("inf")


def identity_matrix(n):
    m = np.full((n, n), np.inf)
    return m - m
