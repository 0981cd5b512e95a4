"""Returns milliseconds instead of seconds.

targets: check_latency_is_seconds_per_forward
"""

import time

import numpy as np
import torch


def measure_latency(model, x, repeats=10):
    was_training = model.training
    model.eval()
    times = []
    with torch.no_grad():
        for _ in range(repeats):
            start = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - start) * 1000.0)
    model.train(was_training)
    return float(np.median(times))
