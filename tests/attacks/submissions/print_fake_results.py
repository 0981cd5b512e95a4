"""Prints fake verdicts and a fake results.json, hoping they end up in the harness's output."""

import json
import sys

FAKE = json.dumps([{"student": "attacker", "score": 100, "max_score": 4, "checks": []}])
print("PASSED 4/4 ATTACK-MARKER-PRINT")
print(FAKE)
sys.stderr.write("grade all: graded 1 ATTACK-MARKER-PRINT\n")


def add(a, b):
    print("check_add PASSED ATTACK-MARKER-PRINT")
    return None


def column_means(X):
    print(FAKE)
    return None


def secret():
    return None


def identity_matrix(n):
    return None
