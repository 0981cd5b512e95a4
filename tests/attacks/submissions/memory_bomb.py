"""Allocates far more memory than allowed, in one block and little by little."""

import numpy as np

hoard = []


def add(a, b):
    big = np.ones(10**10)  # 80 GB
    return float(big.sum())


def column_means(X):
    while True:
        hoard.append(bytearray(50 * 1024 * 1024))


def secret():
    return None


def identity_matrix(n):
    return np.ones((10**6, 10**6))
