"""Pairs dicts by sorting each one's keys, without checking that the key sets agree: dicts with
different keys (but matching sizes) give a cosine instead of a ValueError.

targets: check_gradient_confusion_rejects_mismatched_sizes
"""


def gradient_confusion(g_a, g_b):
    if isinstance(g_a, dict) and isinstance(g_b, dict):
        g_a, g_b = [g_a[k] for k in sorted(g_a)], [g_b[k] for k in sorted(g_b)]
    return _cosine(_flatten(g_a), _flatten(g_b))
