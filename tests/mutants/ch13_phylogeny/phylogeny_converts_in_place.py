"""Converts the tensors to float64 inside the caller's dicts (m[k] = m[k].double()): the
models it was given come back changed.

targets: check_phylogeny_leaves_models_untouched
"""

import torch


def build_phylogeny(models):
    for m in models:
        for k in m:
            m[k] = m[k].double()
    vectors = torch.stack([torch.cat([m[k].flatten() for k in sorted(m)]).double() for m in models])
    norms = vectors.norm(dim=1)
    distances = torch.cdist(vectors, vectors).tolist()
    cosine = ((vectors @ vectors.T) / torch.outer(norms, norms)).tolist()
    n = len(models)
    label = list(range(n))
    for i in range(n):
        for j in range(n):
            if cosine[i][j] >= 0.5:
                old, new = label[j], label[i]
                label = [new if x == old else x for x in label]
    parents = [None] * n
    for group in set(label):
        members = [i for i in range(n) if label[i] == group]
        tree = [min(members, key=lambda i: float(norms[i]))]
        rest = [i for i in members if i not in tree]
        while rest:
            _, p, c = min((distances[t][o], t, o) for t in tree for o in rest)
            parents[c] = p
            tree.append(c)
            rest.remove(c)
    return parents
