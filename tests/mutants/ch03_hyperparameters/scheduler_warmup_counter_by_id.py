"""Counts the warm-up steps in a module-level dict keyed by id(self): the count is not in
state_dict(), so a checkpoint taken during the warm-up resumes with the warm-up restarted (one
taken after the warm-up resumes the same rates).

targets: check_scheduler_state_dict_round_trip
"""

import math

from torch.optim.lr_scheduler import LRScheduler

_WARMUP_CALLS = {}


class ProposedScheduler(LRScheduler):
    def __init__(self, optimizer, total_steps, warmup=5, floor=0.05, last_epoch=-1):
        self.total_steps = total_steps
        self.warmup = warmup
        self.floor = floor
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        if self.last_epoch < self.warmup:
            calls = _WARMUP_CALLS[id(self)] = _WARMUP_CALLS.get(id(self), 0) + 1
            factor = max(self.floor, min(1.0, calls / self.warmup))
        else:
            progress = min(self.last_epoch, self.total_steps) / self.total_steps
            factor = self.floor + (1 - self.floor) * 0.5 * (1 + math.cos(math.pi * progress))
        return [base * factor for base in self.base_lrs]
