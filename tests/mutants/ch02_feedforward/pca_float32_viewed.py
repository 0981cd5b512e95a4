"""Reads the PCA's arrays with `.view(np.float64)` instead of `.astype`: a PCA fitted on float64
data is unaffected, one fitted on float32 data is reinterpreted byte by byte (garbage, or an error).

targets: check_pca_to_linear_matches_transform, check_pca_to_linear_with_whitening
"""

import numpy as np

_reference_pca_to_linear = pca_to_linear  # the reference's function


class _Viewed:
    def __init__(self, pca):
        self._pca = pca

    def __getattr__(self, name):
        value = getattr(self._pca, name)
        if isinstance(value, np.ndarray):
            return np.ascontiguousarray(value).view(np.float64)
        return value


def pca_to_linear(pca):
    return _reference_pca_to_linear(_Viewed(pca))
