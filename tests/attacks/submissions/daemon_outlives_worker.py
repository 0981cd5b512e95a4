"""Double-forks a daemon in its own session (setsid) that should survive the worker."""

import os


def _daemon():
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            os.execvp("sleep", ["sleep", "{MARKER}"])
        os._exit(0)


_daemon()


def add(a, b):
    _daemon()
    return None


def column_means(X):
    return None


def secret():
    return None


def identity_matrix(n):
    return None
