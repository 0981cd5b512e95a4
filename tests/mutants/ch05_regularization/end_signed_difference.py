"""Compares the signed change h[j] - h[j-1] with the threshold: large decreases count as stable.

targets: check_critical_period_end_uses_absolute_changes, check_critical_period_end_matches_definition
"""


def critical_period_end(history, threshold, patience):
    values = [float(v) for v in history]
    for i in range(len(values) - patience):
        if all(values[j] - values[j - 1] <= threshold for j in range(i + 1, i + patience + 1)):
            return i
    return None
