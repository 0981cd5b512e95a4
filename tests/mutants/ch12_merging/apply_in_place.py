"""Adds the vectors into the pretrained tensors in place (and returns them).

targets: check_task_arithmetic_inputs_untouched
"""


def apply_task_vectors(pretrained, vectors, coefficients):
    if len(vectors) != len(coefficients):
        raise ValueError("one coefficient per vector")
    for vector in vectors:
        _check_vector(pretrained, vector)
    merged = {}
    for key, value in pretrained.items():
        if value.is_floating_point():
            for vector, coefficient in zip(vectors, coefficients):
                value += float(coefficient) * vector[key]
        merged[key] = value
    return merged
