"""Converts X with `.view(np.float64)` instead of `.astype`: float64 data is unaffected, float32
data is reinterpreted byte by byte (garbage, or an error).

targets: check_class_means_follow_unique_label_order, check_global_mean_with_imbalanced_classes, check_farthest_index_points_into_X
"""

import numpy as np

_reference_class_statistics = class_statistics  # the reference's function


def class_statistics(X, y):
    return _reference_class_statistics(np.ascontiguousarray(X).view(np.float64), y)
