"""Takes the first model of each family in list order as its root: the answer depends on the
order of the list, and most trees are grown from a non-root.

targets: check_phylogeny_parent_accuracy
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
    parents = [None] * n
    for group in set(label):
        members = [i for i in range(n) if label[i] == group]
        tree = [members[0]]
        rest = members[1:]
        while rest:
            _, p, c = min((distances[t][o], t, o) for t in tree for o in rest)
            parents[c] = p
            tree.append(c)
            rest.remove(c)
    return parents
