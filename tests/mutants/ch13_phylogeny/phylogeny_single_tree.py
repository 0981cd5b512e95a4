"""Builds one spanning tree over all the models (no split into families): only one root, and
the other families' roots get a parent from another family.

targets: check_phylogeny_roots_have_no_parent, check_phylogeny_one_root_per_family, check_build_phylogeny_small_family
"""

import torch


def build_phylogeny(models):
    vectors = torch.stack([torch.cat([m[k].flatten() for k in sorted(m)]).double() for m in models])
    norms = vectors.norm(dim=1)
    distances = torch.cdist(vectors, vectors).tolist()
    n = len(models)
    parents = [None] * n
    tree = [min(range(n), key=lambda i: float(norms[i]))]
    rest = [i for i in range(n) if i not in tree]
    while rest:
        _, p, c = min((distances[t][o], t, o) for t in tree for o in rest)
        parents[c] = p
        tree.append(c)
        rest.remove(c)
    return parents
