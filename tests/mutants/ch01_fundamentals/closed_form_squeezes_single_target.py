"""Squeezes W: right for Y of shape (n,) or (n, t > 1), but Y of shape (n, 1) gets W of shape (m,)
instead of (m, 1).

targets: check_closed_form_output_shapes
"""

import numpy as np

_reference_fit = fit_linear_closed_form  # the reference's function


def fit_linear_closed_form(X, Y, ridge=0.0):
    return np.squeeze(_reference_fit(X, Y, ridge=ridge))
