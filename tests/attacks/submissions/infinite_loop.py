"""Every function loops forever."""


def add(a, b):
    while True:
        pass


def column_means(X):
    while True:
        pass


def secret():
    x = 0
    while True:
        x += 1


def identity_matrix(n):
    while True:
        pass
