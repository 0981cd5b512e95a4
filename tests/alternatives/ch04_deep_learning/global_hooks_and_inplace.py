"""A correct solution written differently: explicit remainder loop, named_parameters with a seen
set, latency as the mean of perf_counter_ns, CKA with einsum, a global module forward hook filtered
by identity, scikit-learn's newton-cg probe, and in-place re-initialisation restored from a deep
copy of the whole state after every layer.
"""

import copy
import time

import numpy as np
import torch


def redistribute_neurons(n, k):
    if type(n) is not int or type(k) is not int:
        raise ValueError("n and k must be int")
    if n <= 0 or k <= 0:
        raise ValueError("n and k must be positive")
    total = 2 * n
    if k > total:
        raise ValueError("more layers than units")
    widths = [0] * k
    for unit in range(total):
        widths[unit % k] += 1
    return widths


def count_parameters(model):
    total = 0
    seen = set()
    for _, param in model.named_parameters():
        if param.requires_grad and id(param) not in seen:
            seen.add(id(param))
            total += param.numel()
    return total


def measure_latency(model, x, repeats=10):
    modes = [m.training for m in model.modules()]
    model.train(False)
    samples = []
    with torch.no_grad():
        model(x)
        for _ in range(repeats):
            t0 = time.perf_counter_ns()
            model(x)
            samples.append(time.perf_counter_ns() - t0)
    for module, mode in zip(model.modules(), modes):
        module.training = mode
    return float(np.mean(samples)) / 1e9


def linear_cka(X, Y):
    X = np.array(X, dtype=np.float64)
    Y = np.array(Y, dtype=np.float64)
    if X.ndim != 2 or Y.ndim != 2 or len(X) != len(Y):
        raise ValueError("shapes do not match")
    X -= X.mean(0)
    Y -= Y.mean(0)
    xy = np.einsum("ni,nj->ij", X, Y)
    xx = np.einsum("ni,nj->ij", X, X)
    yy = np.einsum("ni,nj->ij", Y, Y)
    denominator = np.sqrt(np.sum(xx**2)) * np.sqrt(np.sum(yy**2))
    if denominator <= 0:
        raise ValueError("zero variance")
    return float(np.sum(xy**2) / denominator)


def extract_representations(model, X, layer_names):
    lookup = dict(model.named_modules())
    missing = set(layer_names) - set(lookup)
    if missing:
        raise ValueError(f"no such layers: {sorted(missing)}")
    wanted = {id(lookup[name]): name for name in layer_names}
    outputs = {}

    def record(module, args, output):
        name = wanted.get(id(module))
        if name is not None:
            outputs[name] = output.detach().cpu().numpy().reshape(output.shape[0], -1)

    modes = [m.training for m in model.modules()]
    handle = torch.nn.modules.module.register_module_forward_hook(record)
    try:
        model.eval()
        with torch.no_grad():
            model(torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32)))
    finally:
        handle.remove()
        for module, mode in zip(model.modules(), modes):
            module.training = mode
    return {name: outputs[name] for name in layer_names}


def concat_representations(reps, layer_names):
    if len(layer_names) == 0:
        raise ValueError("empty layer list")
    rows = {np.shape(reps[name])[0] for name in layer_names}
    if len(rows) > 1:
        raise ValueError("inconsistent n")
    return np.concatenate(
        [np.asarray(reps[name]).reshape(len(reps[name]), -1) for name in layer_names], axis=1
    )


def layer_probe_accuracies(model, X_train, y_train, X_test, y_test, layer_names):
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    train = extract_representations(model, X_train, layer_names)
    test = extract_representations(model, X_test, layer_names)
    scores = {}
    for name in layer_names:
        scaler = StandardScaler().fit(train[name])
        probe = LogisticRegression(solver="newton-cg", max_iter=2000)
        probe.fit(scaler.transform(train[name]), y_train)
        scores[name] = float(probe.score(scaler.transform(test[name]), y_test))
    return scores


def reinit_robustness(model, init_state, X, y):
    backup = copy.deepcopy(model.state_dict())
    modes = [m.training for m in model.modules()]
    owners = {}
    for full_name, _ in model.named_parameters():
        module_name = full_name.rpartition(".")[0]
        owners.setdefault(module_name, []).append(full_name)
    inputs = torch.tensor(np.asarray(X), dtype=torch.float32)
    labels = torch.as_tensor(np.asarray(y))
    results = {}
    model.eval()
    try:
        for module_name, keys in owners.items():
            state = copy.deepcopy(backup)
            for key in keys:
                state[key] = init_state[key].clone()
            model.load_state_dict(state)
            with torch.no_grad():
                results[module_name] = (model(inputs).argmax(1) == labels).float().mean().item()
    finally:
        model.load_state_dict(backup)
        for module, mode in zip(model.modules(), modes):
            module.training = mode
    return results


def classify_layers(results, baseline, tolerance=0.05):
    return {
        k: ("critical" if not (baseline - v <= tolerance) else "robust") for k, v in results.items()
    }
