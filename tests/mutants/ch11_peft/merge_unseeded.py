"""k-means with a random initialisation that ignores the seed argument.

targets: check_merge_deterministic
"""

import numpy as np
import torch


def merge_loras_by_clustering(loras, k, seed):
    pairs = [(np.array(A, dtype=np.float64), np.array(B, dtype=np.float64)) for A, B in loras]
    units = np.concatenate([np.concatenate([A, B.T], axis=1) for A, B in pairs])
    if not 1 <= k <= len(units):
        raise ValueError("k")
    n = pairs[0][0].shape[1]
    centroids = _kmeans(units, k, np.random.default_rng(), restarts=1)
    return torch.from_numpy(centroids[:, :n].copy()).float(), torch.from_numpy(
        centroids[:, n:].T.copy()
    ).float()
