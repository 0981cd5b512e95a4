"""Converts X with `.view(np.float64)` instead of `.astype`: float64 data is unaffected, float32
data is reinterpreted byte by byte (garbage, or an error).

targets: check_project_2d_principal_scores
"""

import numpy as np

_reference_project_2d = project_2d  # the reference's function


def project_2d(X):
    return _reference_project_2d(np.ascontiguousarray(X).view(np.float64))
