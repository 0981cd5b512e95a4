"""Exponential decay driven by a module-level step counter: the counter is not in state_dict().

targets: check_scheduler_state_dict_round_trip
"""

from torch.optim.lr_scheduler import LRScheduler

STEP = 0


class ProposedScheduler(LRScheduler):
    def __init__(self, optimizer, total_steps, last_epoch=-1):
        self.total_steps = total_steps
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        global STEP
        STEP += 1
        factor = max(0.01, 0.97 ** (STEP % 50))
        return [base * factor for base in self.base_lrs]
