"""Returns the total time of 20 forward passes instead of the time of one.

targets: check_latency_is_seconds_per_forward
"""

import time

import torch


def measure_latency(model, x, repeats=20):
    was_training = model.training
    model.eval()
    with torch.no_grad():
        start = time.perf_counter()
        for _ in range(repeats):
            model(x)
        total = time.perf_counter() - start
    model.train(was_training)
    return total
