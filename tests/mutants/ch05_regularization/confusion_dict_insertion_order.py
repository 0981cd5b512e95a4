"""Flattens dicts in their insertion order (list(g.values())), so differently ordered dicts are
paired wrongly.

targets: check_gradient_confusion_accepts_lists_and_dicts
"""

import torch


def gradient_confusion(g_a, g_b):
    if isinstance(g_a, dict):
        g_a, g_b = list(g_a.values()), list(g_b.values())
    return _cosine(_flatten(g_a), _flatten(g_b))
