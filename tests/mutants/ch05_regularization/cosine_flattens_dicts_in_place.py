"""Flattens the tensors of dict gradients in place (g[k] = g[k].reshape(-1)): the caller's dicts
are modified; tensors and lists are left alone.

targets: check_cosine_metrics_leave_inputs_untouched
"""


def _pair(a, b):
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        if set(a) != set(b):
            raise ValueError("the two dicts have different keys")
        for g in (a, b):
            for k in g:
                g[k] = g[k].reshape(-1)
        return _flatten([a[k] for k in a]), _flatten([b[k] for k in a])
    return _flatten(a), _flatten(b)
