"""Linear decay to zero at total_steps: the rate hits 0 and then goes negative.

targets: check_scheduler_rates_finite_and_positive
"""

from torch.optim.lr_scheduler import LRScheduler


class ProposedScheduler(LRScheduler):
    def __init__(self, optimizer, total_steps, last_epoch=-1):
        self.total_steps = total_steps
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        factor = 1.0 - self.last_epoch / self.total_steps
        return [base * factor for base in self.base_lrs]
