"""Plain task arithmetic with lambda = 1 for every layer and task, nothing chosen on validation
(the sum of both fine-tunings overshoots the hidden layers).

targets: check_merged_accuracy, check_merged_beats_global_coefficient
"""


def choose_coefficients(pretrained, vectors, X_val, y_val, seed):
    return {key: [1.0] * len(vectors) for key in pretrained}
