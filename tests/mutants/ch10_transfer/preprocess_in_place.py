"""Normalises the caller's float32 array in place and wraps it.

targets: check_preprocess_leaves_inputs_untouched
"""

import numpy as np
import torch


def preprocess_for_backbone(X, backbone_mean, backbone_std):
    inputs = np.asarray(X, dtype=np.float32)
    inputs -= np.asarray(backbone_mean, dtype=np.float32)
    inputs /= np.asarray(backbone_std, dtype=np.float32)
    return torch.from_numpy(inputs)
