"""Transposes each B_j in place (B.t_()) to build the units: the caller's tensors change shape.

targets: check_merge_leaves_inputs_untouched
"""

import numpy as np
import torch


def merge_loras_by_clustering(loras, k, seed):
    units = torch.cat([torch.cat([A, B.t_()], dim=1) for A, B in loras]).double().numpy()
    if not 1 <= k <= len(units):
        raise ValueError("k")
    n = loras[0][0].shape[1]
    centroids = _kmeans(units, k, np.random.default_rng(seed))
    return torch.from_numpy(centroids[:, :n].copy()).float(), torch.from_numpy(
        centroids[:, n:].T.copy()
    ).float()
