"""Skips the validation: a vector's missing key counts as zero, extra keys are ignored, shapes
broadcast, and extra coefficients are silently dropped by zip.

targets: check_apply_rejects_mismatch
"""


def apply_task_vectors(pretrained, vectors, coefficients):
    merged = {}
    for key, before in pretrained.items():
        if not before.is_floating_point():
            merged[key] = before.clone()
            continue
        total = before.clone()
        for vector, coefficient in zip(vectors, coefficients):
            if key in vector:
                total = total + float(coefficient) * vector[key]
        merged[key] = total
    return merged
