"""Predicts the mean observed score for every configuration.

targets: check_predictor_beats_mean_on_unseen_configs
"""

import numpy as np


def fit_performance_predictor(results):
    mean = float(np.mean([r["score"] for r in results]))
    return lambda config: mean
