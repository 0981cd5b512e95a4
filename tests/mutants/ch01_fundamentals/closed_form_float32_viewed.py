"""Converts X with `.view(np.float64)` instead of `.astype`: float64 data is unaffected, float32
data is reinterpreted byte by byte (garbage, or an error).

targets: check_interpolates_when_m_exceeds_n
"""

import numpy as np

_reference_fit = fit_linear_closed_form  # the reference's function


def fit_linear_closed_form(X, Y, ridge=0.0):
    return _reference_fit(np.ascontiguousarray(X).view(np.float64), Y, ridge=ridge)
