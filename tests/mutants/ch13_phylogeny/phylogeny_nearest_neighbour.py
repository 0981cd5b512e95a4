"""Each model's parent is its nearest other model, by cosine similarity, with no direction test:
roots get a parent and parent-child pairs point at each other.

targets: check_phylogeny_roots_have_no_parent, check_phylogeny_one_root_per_family, check_phylogeny_direction, check_phylogeny_is_a_forest
"""

import torch


def build_phylogeny(models):
    vectors = torch.stack([torch.cat([m[k].flatten() for k in sorted(m)]).double() for m in models])
    unit = vectors / vectors.norm(dim=1, keepdim=True)
    similarity = unit @ unit.T
    similarity.fill_diagonal_(-2.0)
    return [int(similarity[i].argmax()) for i in range(len(models))]
