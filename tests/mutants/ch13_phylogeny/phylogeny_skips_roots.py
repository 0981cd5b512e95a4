"""Returns the parents of the fine-tuned models only (roots left out of the list), so the list
is shorter than the models and misaligned with them.

targets: check_phylogeny_entries_are_indices_or_none, check_build_phylogeny_small_family
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
        tree = [min(members, key=lambda i: float(norms[i]))]
        rest = [i for i in members if i not in tree]
        while rest:
            _, p, c = min((distances[t][o], t, o) for t in tree for o in rest)
            parents[c] = p
            tree.append(c)
            rest.remove(c)
    return [p for p in parents if p is not None]
