"""Floor division spreads 2n // k units per layer and silently drops the remainder.

targets: check_redistribute_properties
"""


def redistribute_neurons(n, k):
    if n < 1 or k < 1 or k > 2 * n:
        raise ValueError("bad n or k")
    return [2 * n // k] * k
