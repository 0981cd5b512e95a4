"""Task vectors applied to integer buffers: every entry is subtracted and added, counters too.

targets: check_task_vector_small_example, check_task_vector_leaves_out_integer_buffers, check_apply_copies_integer_buffers
"""


def task_vector(pretrained, finetuned):
    if set(pretrained) != set(finetuned):
        raise ValueError("the state_dicts have different keys")
    vector = {}
    for key, before in pretrained.items():
        if before.shape != finetuned[key].shape:
            raise ValueError(f"{key}: shapes differ")
        vector[key] = finetuned[key] - before
    return vector


def apply_task_vectors(pretrained, vectors, coefficients):
    if len(vectors) != len(coefficients):
        raise ValueError("one coefficient per vector")
    for vector in vectors:
        _check_vector(pretrained, vector)
    merged = {}
    for key, before in pretrained.items():
        total = before.clone()
        for vector, coefficient in zip(vectors, coefficients):
            if key in vector:
                total = total + coefficient * vector[key]
        merged[key] = total
    return merged
