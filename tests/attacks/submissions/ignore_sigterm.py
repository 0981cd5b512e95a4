"""Ignores SIGTERM and SIGINT, then hangs: a polite kill would never end it."""

import signal
import time

signal.signal(signal.SIGTERM, signal.SIG_IGN)
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGHUP, signal.SIG_IGN)


def add(a, b):
    while True:
        time.sleep(0.01)


def column_means(X):
    while True:
        pass


def secret():
    return None


def identity_matrix(n):
    return None
