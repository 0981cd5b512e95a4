"""Scans every epoch without checking that the window fits: IndexError near the end of the history.

targets: check_critical_period_end_short_histories, check_critical_period_end_matches_definition
"""


def critical_period_end(history, threshold, patience):
    values = list(history)
    for i in range(len(values)):
        if all(abs(values[j] - values[j - 1]) <= threshold for j in range(i + 1, i + patience + 1)):
            return i
    return None
