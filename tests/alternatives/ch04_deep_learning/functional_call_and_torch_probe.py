"""A correct solution written differently: numpy.array_split widths, parameters deduplicated by
identity, timeit-based latency, CKA from singular values and torch, a recorder class for the hooks,
a logistic-regression probe written in torch (L-BFGS on the same regularised objective), and
re-initialisation through torch.func.functional_call, which never modifies the model's weights.
"""

import timeit

import numpy as np
import torch
from torch import nn
from torch.func import functional_call


def redistribute_neurons(n, k):
    if not (isinstance(n, int) and isinstance(k, int)) or n < 1 or k < 1 or k > 2 * n:
        raise ValueError("need integers n >= 1 and 1 <= k <= 2n")
    return [len(part) for part in np.array_split(np.arange(2 * n), k)]


def count_parameters(model):
    seen = {}
    for module in model.modules():
        for param in module.parameters(recurse=False):
            if param.requires_grad:
                seen[id(param)] = param.numel()
    return sum(seen.values())


def measure_latency(model, x, repeats=7):
    flags = {module: module.training for module in model.modules()}
    model.eval()
    try:
        with torch.inference_mode():
            model(x)
            runs = timeit.repeat(lambda: model(x), number=1, repeat=repeats)
    finally:
        for module, flag in flags.items():
            module.training = flag
    return min(runs)


def linear_cka(X, Y):
    X = torch.as_tensor(np.asarray(X), dtype=torch.float64)
    Y = torch.as_tensor(np.asarray(Y), dtype=torch.float64)
    if X.ndim != 2 or Y.ndim != 2 or X.shape[0] != Y.shape[0]:
        raise ValueError("X and Y must be 2-D with the same number of rows")
    X = X - X.mean(dim=0, keepdim=True)
    Y = Y - Y.mean(dim=0, keepdim=True)
    sx = torch.linalg.svdvals(X)
    sy = torch.linalg.svdvals(Y)
    norm_x = torch.sqrt((sx**4).sum())
    norm_y = torch.sqrt((sy**4).sum())
    if norm_x.item() == 0.0 or norm_y.item() == 0.0:
        raise ValueError("zero-variance representation")
    return float(((Y.T @ X) ** 2).sum() / (norm_x * norm_y))


class _Recorder:
    def __init__(self):
        self.outputs = {}

    def watch(self, name):
        def hook(module, args, output):
            self.outputs[name] = output.detach().clone()

        return hook


def extract_representations(model, X, layer_names):
    named = dict(model.named_modules())
    if any(name not in named for name in layer_names):
        raise ValueError("unknown layer name")
    recorder = _Recorder()
    flags = {module: module.training for module in model.modules()}
    handles = []
    try:
        for name in layer_names:
            handles.append(named[name].register_forward_hook(recorder.watch(name)))
        model.eval()
        with torch.inference_mode():
            model(torch.tensor(np.asarray(X), dtype=torch.float32))
    finally:
        while handles:
            handles.pop().remove()
        for module, flag in flags.items():
            module.training = flag
    return {name: recorder.outputs[name].flatten(1).numpy() for name in layer_names}


def concat_representations(reps, layer_names):
    if not layer_names:
        raise ValueError("no layers requested")
    blocks = [np.reshape(reps[name], (len(reps[name]), -1)) for name in layer_names]
    if any(len(block) != len(blocks[0]) for block in blocks):
        raise ValueError("row counts differ")
    return np.hstack(blocks)


def _torch_probe(train, y_train, test, y_test):
    mean = train.mean(axis=0)
    std = train.std(axis=0)
    std[std == 0] = 1.0
    a = torch.tensor((train - mean) / std, dtype=torch.float64)
    b = torch.tensor((test - mean) / std, dtype=torch.float64)
    classes, targets = np.unique(y_train, return_inverse=True)
    targets = torch.as_tensor(targets)
    linear = nn.Linear(a.shape[1], len(classes)).double()
    nn.init.zeros_(linear.weight)
    nn.init.zeros_(linear.bias)
    optimizer = torch.optim.LBFGS(linear.parameters(), max_iter=500, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        # sklearn's objective: sum of losses + 0.5 * ||W||^2 / C, with C = 1
        loss = nn.functional.cross_entropy(linear(a), targets, reduction="sum")
        loss = loss + 0.5 * (linear.weight**2).sum()
        loss.backward()
        return loss

    optimizer.step(closure)
    with torch.no_grad():
        predicted = classes[linear(b).argmax(dim=1).numpy()]
    return float(np.mean(predicted == np.asarray(y_test)))


def layer_probe_accuracies(model, X_train, y_train, X_test, y_test, layer_names):
    train = extract_representations(model, X_train, layer_names)
    test = extract_representations(model, X_test, layer_names)
    return {
        name: _torch_probe(
            train[name].astype(np.float64), y_train, test[name].astype(np.float64), y_test
        )
        for name in layer_names
    }


def reinit_robustness(model, init_state, X, y):
    inputs = torch.as_tensor(np.asarray(X), dtype=torch.float32)
    flags = {module: module.training for module in model.modules()}
    current = {name: p for name, p in model.named_parameters()}
    results = {}
    try:
        model.eval()
        for module_name, module in model.named_modules():
            own = [pname for pname, _ in module.named_parameters(recurse=False)]
            if not own:
                continue
            prefix = f"{module_name}." if module_name else ""
            swapped = dict(current)
            for pname in own:
                swapped[prefix + pname] = torch.as_tensor(init_state[prefix + pname])
            with torch.no_grad():
                logits = functional_call(model, swapped, (inputs,))
            results[module_name] = float((logits.argmax(1).numpy() == np.asarray(y)).mean())
    finally:
        for module, flag in flags.items():
            module.training = flag
    return results


def classify_layers(results, baseline, tolerance=0.05):
    labels = {}
    for name, value in results.items():
        labels[name] = "critical" if baseline - value > tolerance else "robust"
    return labels
