"""Correct, with torch: randperm from a seeded torch.Generator picks the kept well-learned
examples, tensors are returned; RS2 keeps a queue of a pass as a tensor."""

import torch


def infobatch_select(losses, prune_ratio, seed):
    if prune_ratio < 0 or prune_ratio >= 1 or prune_ratio != prune_ratio:
        raise ValueError(f"prune_ratio={prune_ratio} is outside [0, 1)")
    values = torch.as_tensor(losses, dtype=torch.float64)
    generator = torch.Generator().manual_seed(int(seed))
    low = torch.nonzero(values < values.mean()).flatten()
    n_keep = int((1 - prune_ratio) * len(low) + 1e-9)
    chosen = low[torch.randperm(len(low), generator=generator)[:n_keep]]
    weights = torch.ones_like(values)
    weights[chosen] = 1 / (1 - prune_ratio)
    mask = values >= values.mean()
    mask[chosen] = True
    kept = torch.nonzero(mask).flatten()
    return kept, weights[kept]


def rs2_schedule(n, ratio, epochs, seed):
    if not (0 < ratio <= 1):
        raise ValueError(f"ratio={ratio} is outside (0, 1]")
    k = max(1, round(ratio * n))
    generator = torch.Generator().manual_seed(int(seed))
    queue = torch.randperm(n, generator=generator)
    plan = []
    for _ in range(epochs):
        if len(queue) < k:
            fresh = torch.randperm(n, generator=generator)
            fresh = fresh[~torch.isin(fresh, queue)]
            extra, rest = fresh[: k - len(queue)], fresh[k - len(queue) :]
            plan.append(torch.cat([queue, extra]))
            # the leftovers were just used: they go to the end of the new pass with the rest
            queue = torch.cat([rest, queue[torch.randperm(len(queue), generator=generator)]])
            continue
        plan.append(queue[:k].clone())
        queue = queue[k:]
    return plan
