"""Switches to eval mode for the measurement and never switches back.

targets: check_latency_leaves_model_unchanged
"""

import time

import torch


def measure_latency(model, x, repeats=10):
    model.eval()
    with torch.no_grad():
        model(x)
        start = time.perf_counter()
        for _ in range(repeats):
            model(x)
    return (time.perf_counter() - start) / repeats
