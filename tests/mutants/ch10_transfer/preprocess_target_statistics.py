"""The exercise's own bug: the target set is standardised with its own statistics.

targets: check_preprocess_uses_backbone_statistics, check_preprocess_rows_independent_of_target_set
"""

import torch


def preprocess_for_backbone(X, backbone_mean, backbone_std):
    inputs = torch.as_tensor(X, dtype=torch.float32).clone()
    return (inputs - inputs.mean(dim=0)) / (inputs.std(dim=0) + 1e-6)
