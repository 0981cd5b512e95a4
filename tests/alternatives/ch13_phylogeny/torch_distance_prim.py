"""Correct, with torch tensors throughout: the parent is the candidate minimising the summed
per-layer Frobenius distance; families are linked when two models are closer than 0.8 times
the smaller of their norms; each family's root is its smallest-norm model and the tree is
grown from it by a vectorised Prim (an array of best distances)."""

import torch


def _layers(state):
    return [state[k].detach().double() for k in sorted(state)]


def find_parent(child, candidates):
    mine = _layers(child)
    scores = torch.stack(
        [sum(torch.linalg.norm(a - b) for a, b in zip(_layers(c), mine)) for c in candidates]
    )
    scores[scores == 0] = float("inf")
    return int(torch.argmin(scores))


def build_phylogeny(models):
    vectors = torch.stack([torch.cat([t.reshape(-1) for t in _layers(m)]) for m in models])
    n = vectors.shape[0]
    norms = vectors.norm(dim=1)
    distance = torch.cdist(vectors, vectors)
    linked = distance < 0.8 * torch.minimum(norms[:, None], norms[None, :])
    label = torch.arange(n)
    for _ in range(n):  # propagate the smallest label through the links
        label = torch.where(linked, label[None, :], n).min(dim=1).values.minimum(label)
    parents = [None] * n
    for family in label.unique().tolist():
        members = (label == family).nonzero().flatten()
        root = int(members[torch.argmin(norms[members])])
        best = distance[root].clone()
        via = torch.full((n,), root)
        done = torch.ones(n, dtype=torch.bool)
        done[members] = False
        done[root] = True
        for _ in range(len(members) - 1):
            candidate = torch.where(done, torch.tensor(float("inf"), dtype=best.dtype), best)
            node = int(torch.argmin(candidate))
            parents[node] = int(via[node])
            done[node] = True
            closer = distance[node] < best
            best = torch.where(closer, distance[node], best)
            via = torch.where(closer, torch.tensor(node), via)
    return parents
