"""Uses < instead of <=: a change equal to the threshold is not counted as stable.

targets: check_critical_period_end_threshold_is_inclusive, check_critical_period_end_matches_definition
"""


def critical_period_end(history, threshold, patience):
    values = [float(v) for v in history]
    for i in range(len(values) - patience):
        if all(abs(values[j] - values[j - 1]) < threshold for j in range(i + 1, i + patience + 1)):
            return i
    return None
