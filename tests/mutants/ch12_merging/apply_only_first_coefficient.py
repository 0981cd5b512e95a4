"""Scales the sum of the vectors by the first coefficient only (one lambda for all tasks).

targets: check_apply_small_example, check_apply_matches_definition
"""


def apply_task_vectors(pretrained, vectors, coefficients):
    if len(vectors) != len(coefficients):
        raise ValueError("one coefficient per vector")
    for vector in vectors:
        _check_vector(pretrained, vector)
    merged = {}
    for key, before in pretrained.items():
        if before.is_floating_point():
            merged[key] = before + coefficients[0] * sum(vector[key] for vector in vectors)
        else:
            merged[key] = before.clone()
    return merged
