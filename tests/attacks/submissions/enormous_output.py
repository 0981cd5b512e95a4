"""Prints hundreds of megabytes to stdout and stderr (Python and raw file descriptors)."""

import os
import sys

line = "ATTACK-MARKER-OUTPUT " * 50 + "\n"


def add(a, b):
    for _ in range(200_000):
        sys.stdout.write(line)
    return None


def column_means(X):
    block = (line * 1000).encode()
    for _ in range(200):
        os.write(1, block)
        os.write(2, block)
    return None


def secret():
    return None


def identity_matrix(n):
    return None
