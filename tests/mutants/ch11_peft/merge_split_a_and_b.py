"""Clusters the rows of A and the columns of B separately: the pairs (a_i, b_i) are broken, so
the centroids of A' and B' no longer belong together.

targets: check_merge_full_rank_reproduces_sum, check_merge_full_rank_reproduces_sum_generated, check_merge_recovers_separated_clusters
"""

import numpy as np
import torch


def merge_loras_by_clustering(loras, k, seed):
    rows = np.concatenate([np.array(A, dtype=np.float64) for A, _ in loras])
    cols = np.concatenate([np.array(B, dtype=np.float64).T for _, B in loras])
    if not 1 <= k <= len(rows):
        raise ValueError("k")
    A_merged = _kmeans(rows, k, np.random.default_rng(seed))
    B_merged = _kmeans(cols, k, np.random.default_rng(seed + 1)).T
    return torch.from_numpy(A_merged).float(), torch.from_numpy(B_merged.copy()).float()
