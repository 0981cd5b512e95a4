"""Each centroid is the sum of its cluster's units, not their mean.

targets: check_merge_recovers_separated_clusters
"""

import numpy as np
import torch


def merge_loras_by_clustering(loras, k, seed):
    pairs = [(np.array(A, dtype=np.float64), np.array(B, dtype=np.float64)) for A, B in loras]
    units = np.concatenate([np.concatenate([A, B.T], axis=1) for A, B in pairs])
    if not 1 <= k <= len(units):
        raise ValueError("k")
    n = pairs[0][0].shape[1]
    centroids = _kmeans(units, k, np.random.default_rng(seed))
    labels = ((units[:, None, :] - centroids[None]) ** 2).sum(-1).argmin(1)
    sums = np.stack([units[labels == c].sum(0) for c in range(k)])
    return torch.from_numpy(sums[:, :n].copy()).float(), torch.from_numpy(
        sums[:, n:].T.copy()
    ).float()
