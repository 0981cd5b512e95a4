"""Union-find habit: a root is stored as its own parent (parents[r] = r) instead of None.

targets: check_phylogeny_roots_have_no_parent, check_phylogeny_one_root_per_family, check_phylogeny_is_a_forest
"""

import torch


def build_phylogeny(models):
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
    parents = list(range(n))
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
