"""Normalises the gradients in place with /=, overwriting the caller's tensors.

targets: check_cosine_metrics_leave_inputs_untouched
"""

import torch


def gradient_confusion(g_a, g_b):
    if not isinstance(g_a, torch.Tensor):
        return _cosine(*_pair(g_a, g_b))
    if g_a.numel() != g_b.numel():
        raise ValueError("different sizes")
    if g_a.norm() == 0 or g_b.norm() == 0:
        raise ValueError("zero vector")
    g_a /= g_a.norm()
    g_b /= g_b.norm()
    return float(torch.clamp(torch.dot(g_a.reshape(-1).double(), g_b.reshape(-1).double()), -1, 1))
