"""Another correct solution: gradients with explicit loops, a chainable scheduler (multiplies
the current rate), a signed-log activation with a trainable scale, the Poly-1 loss, an iterative
odometer grid search and a hand-written k-nearest-neighbour predictor."""

import math

import numpy as np
import torch
from torch import nn
from torch.optim.lr_scheduler import LRScheduler


def grad_combination(a, b, c, grad_y):
    return grad_y * 2, grad_y * -2, grad_y * 1


def grad_linear(x, w, b, grad_y):
    n = x.shape[0]
    grad_x = torch.zeros_like(x)
    grad_w = torch.zeros_like(w)
    for i in range(n):
        grad_x[i] = grad_y[i] * w
        grad_w += grad_y[i] * x[i]
    return grad_x, grad_w, torch.sum(grad_y)


def grad_normalization(x, mu, sigma, gamma, delta, grad_y):
    n = x.shape[0]
    grad_x = grad_y * gamma / sigma
    mean_g = grad_y.mean(dim=0)
    grad_delta = n * mean_g
    grad_gamma = n * (grad_y * (x - mu)).mean(dim=0) / sigma
    grad_mu = -n * mean_g * gamma / sigma
    grad_sigma = -grad_gamma * gamma / sigma
    return grad_x, grad_mu, grad_sigma, grad_gamma, grad_delta


class ProposedScheduler(LRScheduler):
    """Chainable: warm-up doubling for a few steps, then a 3% decay per step down to a floor."""

    def __init__(self, optimizer, total_steps, warmup=3, gamma=0.97, floor=0.01, last_epoch=-1):
        self.warmup = warmup
        self.gamma = gamma
        self.floor = floor
        super().__init__(optimizer, last_epoch)

    def _factor(self, step):
        if step <= self.warmup:
            return 2.0 ** (step - self.warmup)
        return max(self.floor, self.gamma ** (step - self.warmup))

    def get_lr(self):
        step = self.last_epoch
        if step == 0:
            return [base * self._factor(0) for base in self.base_lrs]
        ratio = self._factor(step) / self._factor(step - 1)
        return [group["lr"] * ratio for group in self.optimizer.param_groups]


class ProposedActivation(nn.Module):
    """sign(x) log(1 + s|x|) / s + 0.1 x: logarithmic growth, never saturates, trainable s."""

    def __init__(self):
        super().__init__()
        self.log_scale = nn.Parameter(torch.zeros(()))

    def forward(self, x):
        s = self.log_scale.exp()
        return torch.sign(x) * torch.log1p(s * x.abs()) / s + 0.1 * x


def proposed_loss(logits, target):
    """Poly-1 (Leng et al., 2022): cross-entropy + (1 - p_true)."""
    log_p = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    log_p_true = log_p[torch.arange(len(target)), target]
    return (-log_p_true + 1.0 - log_p_true.exp()).mean()


def grid_search(space, evaluate):
    names = list(space.keys())
    sizes = [len(space[n]) for n in names]
    if any(size == 0 for size in sizes):
        return []
    index = [0] * len(names)
    results = []
    while True:
        config = {n: space[n][i] for n, i in zip(names, index)}
        results.append({"config": config, "score": float(evaluate(config))})
        position = len(names) - 1
        while position >= 0:
            index[position] += 1
            if index[position] < sizes[position]:
                break
            index[position] = 0
            position -= 1
        if position < 0:
            return results


def fit_performance_predictor(results, k=4):
    configs = [r["config"] for r in results]
    names = sorted(configs[0])
    categorical = {
        n: sorted({c[n] for c in configs}) for n in names if isinstance(configs[0][n], str)
    }

    def encode(config):
        row = []
        for n in names:
            if n in categorical:
                row += [float(config[n] == v) for v in categorical[n]]
            else:
                row.append(math.log10(config[n]))
        return np.array(row)

    X = np.stack([encode(c) for c in configs])
    spread = X.std(axis=0)
    spread[spread == 0] = 1.0
    X = X / spread
    y = np.array([r["score"] for r in results])

    def predict(config):
        distance = np.linalg.norm(X - encode(config) / spread, axis=1)
        nearest = np.argsort(distance)[:k]
        weights = 1.0 / (distance[nearest] + 1e-6)
        return float((weights * y[nearest]).sum() / weights.sum())

    return predict
