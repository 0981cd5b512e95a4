"""Returns the epoch at which stability is confirmed (i + patience) instead of its start i.

targets: check_critical_period_end_small_example, check_critical_period_end_matches_definition, check_critical_period_end_threshold_is_inclusive, check_critical_period_end_accepts_numpy_history
"""


def critical_period_end(history, threshold, patience):
    values = [float(v) for v in history]
    stable = 0
    for j in range(1, len(values)):
        stable = stable + 1 if abs(values[j] - values[j - 1]) <= threshold else 0
        if stable == patience:
            return j
    return None
