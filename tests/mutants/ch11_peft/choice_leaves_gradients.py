"""Uses loss.backward() and leaves .grad on every parameter of the model.

targets: check_choice_leaves_model_untouched
"""

from torch import nn


def choose_lora_layers(model, X, y, k):
    linear = [(n, m) for n, m in model.named_modules() if isinstance(m, nn.Linear)]
    if not 1 <= k <= len(linear):
        raise ValueError("k")
    nn.functional.cross_entropy(model(X), y).backward()
    norms = [float(m.weight.grad.norm()) for _, m in linear]
    order = sorted(range(len(linear)), key=lambda i: (-norms[i], i))
    return [linear[i][0] for i in order[:k]]
