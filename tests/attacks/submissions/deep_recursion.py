"""Unbounded recursion with the recursion limit lifted: a C stack overflow."""

import sys

sys.setrecursionlimit(10**7)


def _down(n):
    return _down(n + 1) + 1


def add(a, b):
    return _down(0)


def column_means(X):
    return _down(0)


def secret():
    return None


def identity_matrix(n):
    return None
