"""Reference of the budget test course: one call that takes a measurable time, one that is quick."""

import time

import numpy as np


def slow_total(values):
    """The sum of the values, after 0.15 s of pretend work (a stand-in for a short training)."""
    time.sleep(0.15)
    return float(np.sum(values))


def quick_double(x):
    return 2 * x
