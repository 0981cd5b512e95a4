"""Grid search of one global lambda, returned for every layer and task (plain task arithmetic).

targets: check_merged_beats_global_coefficient
"""


def choose_coefficients(pretrained, vectors, X_val, y_val, seed):
    best, best_score = 0.0, -1.0
    for step in range(21):
        value = 0.1 * step
        merged = {
            k: v + sum(value * vector[k] for vector in vectors) for k, v in pretrained.items()
        }
        score = _mean_task_accuracy(merged, X_val, y_val)
        if score > best_score:
            best, best_score = value, score
    return {key: [best] * len(vectors) for key in pretrained}
