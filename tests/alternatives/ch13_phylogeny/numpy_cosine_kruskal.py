"""Correct, with numpy: the parent is the most similar candidate by cosine (copies of the child
skipped); the phylogeny is Kruskal's minimum spanning forest over edges between models whose
cosine exceeds 0.5, each tree rooted at the model with the smallest expected distance to a fake
initialisation (computed in closed form), and oriented away from it by a breadth-first walk."""

from collections import deque

import numpy as np


def _vector(state):
    return np.concatenate([np.asarray(state[k], dtype=np.float64).ravel() for k in sorted(state)])


def find_parent(child, candidates):
    target = _vector(child)
    best, best_similarity = -1, -np.inf
    for index, candidate in enumerate(candidates):
        other = _vector(candidate)
        if np.array_equal(other, target):
            continue
        similarity = other @ target / (np.linalg.norm(other) * np.linalg.norm(target))
        if similarity > best_similarity:
            best, best_similarity = index, similarity
    return best


def _expected_distance_to_initialisation(state):
    """E ||theta - theta_0||^2 for a fresh default initialisation theta_0 (U(-b, b) entries,
    b = 1 / sqrt(fan_in)): sum of theta^2 + b^2 / 3 over the parameters."""
    total = 0.0
    for key in sorted(state):
        values = np.asarray(state[key], dtype=np.float64)
        weight = state[key.replace("bias", "weight")]
        bound_squared = 1.0 / weight.shape[1]
        total += float((values**2).sum()) + values.size * bound_squared / 3.0
    return total


def build_phylogeny(models):
    vectors = np.stack([_vector(m) for m in models])
    n = len(models)
    norms = np.linalg.norm(vectors, axis=1)
    cosine = vectors @ vectors.T / np.outer(norms, norms)
    distance = np.linalg.norm(vectors[:, None, :] - vectors[None, :, :], axis=2)
    edges = sorted(
        (distance[i, j], i, j) for i in range(n) for j in range(i + 1, n) if cosine[i, j] > 0.5
    )
    group = list(range(n))

    def root_of(i):
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    neighbours = {i: [] for i in range(n)}
    for _, i, j in edges:
        a, b = root_of(i), root_of(j)
        if a != b:
            group[a] = b
            neighbours[i].append(j)
            neighbours[j].append(i)
    to_init = [_expected_distance_to_initialisation(m) for m in models]
    parents = [None] * n
    for label in sorted({root_of(i) for i in range(n)}):
        members = [i for i in range(n) if root_of(i) == label]
        start = min(members, key=lambda i: to_init[i])
        queue, seen = deque([start]), {start}
        while queue:
            node = queue.popleft()
            for other in neighbours[node]:
                if other not in seen:
                    seen.add(other)
                    parents[other] = node
                    queue.append(other)
    return parents
