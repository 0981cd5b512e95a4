"""Converts X with `.view(np.float64)` instead of `.astype`: float64 data is plotted right, float32
data is reinterpreted byte by byte (garbage, or an error).

targets: check_plot_draws_projected_samples
"""

import numpy as np

_reference_plot = plot_feature_space  # the reference's function


def plot_feature_space(X, y):
    return _reference_plot(np.ascontiguousarray(X).view(np.float64), y)
