"""Ranks the images of the batch by the size of their strokes and hands out the candidates by
quantile: an image's pick depends on the rest of the batch.

targets: check_resolution_picks_per_image
"""

import numpy as np
import torch


def predict_resolution(model, X, candidates):
    images = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    extent = _ink_extent(images).numpy()
    options = np.sort(np.array([int(c) for c in candidates]))[::-1]  # largest for the smallest
    order = np.argsort(np.argsort(extent, kind="stable"), kind="stable")
    bins = (order * len(options)) // max(len(images), 1)
    return options[np.minimum(bins, len(options) - 1)]
