"""A correct solution written differently: features from a deep copy of the model, a Fisher
ratio of the 2-D PCA projection, a custom global-mean module, the least-entropy resolution,
an all-conv net with BatchNorm and LeakyReLU, directions drawn with numpy's generator, and the
landscape evaluated with torch.func.functional_call (the model's own parameters never move).
"""

import copy

import numpy as np
import torch
from torch import nn
from torch.func import functional_call
from torch.nn import functional as F


def layer_features(model, X, layer_names):
    names = list(layer_names)
    clone = copy.deepcopy(model).eval()
    modules = dict(clone.named_modules())
    if any(name not in modules for name in names):
        raise ValueError(f"unknown layer among {names}")
    seen = {}
    handles = [
        modules[name].register_forward_hook(
            lambda module, args, out, name=name: seen.__setitem__(name, out)
        )
        for name in names
    ]
    with torch.inference_mode():
        clone(torch.as_tensor(np.asarray(X, dtype=np.float32)))
    for handle in handles:
        handle.remove()
    return {name: seen[name].flatten(start_dim=1).numpy().copy() for name in names}


def separation_scores(features, y):
    from sklearn.decomposition import PCA

    labels = np.asarray(y)
    scores = {}
    for name in features:
        data = np.asarray(features[name], dtype=np.float64).reshape(len(labels), -1)
        points = PCA(n_components=2, svd_solver="full").fit_transform(data)
        centre = points.mean(axis=0)
        between = within = 0.0
        for label in np.unique(labels):
            group = points[labels == label]
            between += len(group) * np.sum((group.mean(axis=0) - centre) ** 2)
            within += np.sum((group - group.mean(axis=0)) ** 2)
        scores[name] = float(between / within) if within > 0 else 0.0
    return scores


class GlobalMean(nn.Module):
    def forward(self, x):
        return x.mean(dim=(-2, -1), keepdim=True)


def make_resolution_agnostic(model):
    trunk = copy.deepcopy(model)
    modules = list(trunk)
    position = next(i for i, m in enumerate(modules) if isinstance(m, nn.Flatten))
    modules.insert(position, GlobalMean())
    agnostic = nn.Sequential(*modules)
    agnostic.eval()
    return agnostic


def predict_resolution(model, X, candidates):
    images = torch.as_tensor(np.asarray(X, dtype=np.float32))
    options = [int(c) for c in candidates]
    entropies = []
    with torch.no_grad():
        for size in options:
            resized = F.interpolate(
                images, size=(size, size), mode="bilinear", align_corners=False, antialias=True
            )
            p = torch.softmax(model(resized), dim=1)
            entropies.append(-(p * torch.log(p.clamp_min(1e-12))).sum(dim=1))
    best = torch.stack(entropies, dim=1).argmin(dim=1).numpy()
    return np.array(options)[best]


def make_all_conv_net(in_channels, n_classes):
    return nn.Sequential(
        nn.Conv2d(in_channels, 32, 3, padding=1),
        nn.BatchNorm2d(32),
        nn.LeakyReLU(0.1),
        nn.Conv2d(32, 32, 3, stride=2, padding=1),
        nn.BatchNorm2d(32),
        nn.LeakyReLU(0.1),
        nn.Conv2d(32, 64, 3, stride=2, padding=1),
        nn.LeakyReLU(0.1),
        nn.Conv2d(64, n_classes, 4),
        GlobalMean(),
        nn.Flatten(),
    )


def filter_normalized_direction(model, seed):
    rng = np.random.default_rng(seed)
    out = {}
    for name, weight in model.named_parameters():
        w = weight.detach().cpu().numpy().astype(np.float64)
        if w.ndim < 2:
            out[name] = torch.zeros_like(weight)
            continue
        d = rng.standard_normal(w.shape)
        for i in range(w.shape[0]):
            d[i] *= np.linalg.norm(w[i]) / (np.linalg.norm(d[i]) + 1e-10)
        out[name] = torch.from_numpy(d).to(weight.dtype)
    return out


def loss_landscape_2d(model, loss_fn, X, y, steps, span, seed):
    first = filter_normalized_direction(model, seed)
    second = filter_normalized_direction(model, seed + 1)
    grid = np.linspace(-span, span, steps)
    x = torch.as_tensor(np.asarray(X, dtype=np.float32))
    target = torch.as_tensor(np.asarray(y)).long()
    base = {name: p.detach() for name, p in model.named_parameters()}
    buffers = {name: b for name, b in model.named_buffers()}
    modes = [m.training for m in model.modules()]
    model.eval()
    surface = np.empty((steps, steps))
    try:
        with torch.no_grad():
            for i, a in enumerate(grid):
                for j, b in enumerate(grid):
                    moved = {k: base[k] + a * first[k] + b * second[k] for k in base}
                    out = functional_call(model, {**moved, **buffers}, (x,))
                    surface[i, j] = loss_fn(out, target).item()
    finally:
        for module, mode in zip(model.modules(), modes):
            module.training = mode
    return grid.copy(), grid.copy(), surface
