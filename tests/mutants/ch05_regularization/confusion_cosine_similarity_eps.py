"""Uses F.cosine_similarity on the flattened gradients: its eps turns a zero vector into 0 instead
of an error, and nothing clamps the rounding past +-1.

targets: check_gradient_confusion_rejects_zero_vectors, check_gradient_confusion_in_range_under_rounding
"""

import torch
import torch.nn.functional as F


def gradient_confusion(g_a, g_b):
    a, b = _pair(g_a, g_b)
    return float(F.cosine_similarity(a.float(), b.float(), dim=0))
