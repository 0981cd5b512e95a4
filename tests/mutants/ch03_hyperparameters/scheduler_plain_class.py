"""A home-made class with step(), not an LRScheduler, and without state_dict().

targets: check_scheduler_subclasses_lr_scheduler, check_scheduler_state_dict_round_trip
"""

import math


class ProposedScheduler:
    def __init__(self, optimizer, total_steps):
        self.optimizer = optimizer
        self.total_steps = total_steps
        self.step_count = 0
        self.base_lrs = [group["lr"] for group in optimizer.param_groups]

    def step(self):
        self.step_count += 1
        factor = 0.05 + 0.95 * 0.5 * (
            1 + math.cos(math.pi * min(self.step_count, self.total_steps) / self.total_steps)
        )
        for group, base in zip(self.optimizer.param_groups, self.base_lrs):
            group["lr"] = base * factor

    def get_last_lr(self):
        return [group["lr"] for group in self.optimizer.param_groups]
