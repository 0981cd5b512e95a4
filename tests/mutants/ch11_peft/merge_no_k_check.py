"""No check of k: k = 0 returns a 1-centroid merge instead of raising ValueError.

targets: check_merge_invalid_k_raises
"""

import numpy as np
import torch


def merge_loras_by_clustering(loras, k, seed):
    pairs = [(np.array(A, dtype=np.float64), np.array(B, dtype=np.float64)) for A, B in loras]
    units = np.concatenate([np.concatenate([A, B.T], axis=1) for A, B in pairs])
    n = pairs[0][0].shape[1]
    centroids = _kmeans(units, max(k, 1), np.random.default_rng(seed))
    return torch.from_numpy(centroids[:, :n].copy()).float(), torch.from_numpy(
        centroids[:, n:].T.copy()
    ).float()
