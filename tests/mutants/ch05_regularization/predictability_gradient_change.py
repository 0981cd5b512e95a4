"""Measures predictability as the relative change of the gradient, 1 - |g_next - g_now| / |g_now|
(a Santurkar-style smoothness), not the cosine the statement defines.

targets: check_gradient_predictability_on_quadratic, check_gradient_predictability_accepts_lists_and_dicts
"""

import torch


def gradient_predictability(g_now, g_next):
    a, b = _pair(g_now, g_next)
    if a.norm() == 0 or b.norm() == 0:
        raise ValueError("zero vector")
    return float(1.0 - torch.linalg.vector_norm(b - a) / torch.linalg.vector_norm(a))
