"""Crashes the interpreter with a segmentation fault through ctypes."""

import ctypes


def add(a, b):
    ctypes.string_at(0)


def column_means(X):
    ctypes.memset(0, 1, 100)


def secret():
    return None


def identity_matrix(n):
    return None
