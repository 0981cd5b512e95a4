"""Correct random labels and a large MLP, but no training at all: nothing is memorised.

targets: check_model_memorises_training_set, check_predictions_follow_the_samples, check_model_is_overparameterised, check_random_labels_depend_only_on_seed, check_labels_carry_no_signal
"""

import numpy as np
import torch
from torch import nn


def memorize_random_labels(X, n_classes, seed):
    y = np.random.default_rng(seed).integers(0, n_classes, size=len(X))
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Linear(X.shape[1], 256), nn.ReLU(), nn.Linear(256, n_classes))
    return model.eval(), y
