"""Written for one param group: every group gets the first group's base rate times the factor.

targets: check_scheduler_groups_follow_their_own_rates
"""

import math

from torch.optim.lr_scheduler import LRScheduler


class ProposedScheduler(LRScheduler):
    def __init__(self, optimizer, total_steps, floor=0.05, last_epoch=-1):
        self.total_steps = total_steps
        self.floor = floor
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        progress = min(self.last_epoch, self.total_steps) / self.total_steps
        factor = self.floor + (1 - self.floor) * 0.5 * (1 + math.cos(math.pi * progress))
        return [self.base_lrs[0] * factor] * len(self.base_lrs)
