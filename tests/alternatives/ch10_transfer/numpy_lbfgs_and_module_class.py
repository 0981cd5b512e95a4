"""Correct, written differently from the reference:

* preprocessing in numpy (float64), converted to a float32 tensor at the end;
* the linear probe computes the features on a deep copy of the backbone (so the caller's object is
  never run at all) and fits the head full-batch with L-BFGS;
* both fine-tunings use a module class with ``backbone`` and ``head`` attributes (state_dict keys
  ``backbone.*``), a separate optimizer per phase (SGD with momentum for the head alone, Adam end
  to end), and history entries made with copy.deepcopy of the backbone's state_dict.
"""

import copy

import numpy as np
import torch
from torch import nn


def preprocess_for_backbone(X, backbone_mean, backbone_std):
    values = np.array(X, dtype=np.float64, copy=True)
    values = (values - np.asarray(backbone_mean, dtype=np.float64)) / np.asarray(
        backbone_std, dtype=np.float64
    )
    return torch.from_numpy(values.astype(np.float32))


def _frozen_features(backbone, inputs):
    twin = copy.deepcopy(backbone).eval()
    with torch.no_grad():
        return twin(inputs)


def linear_probe(backbone, X_train, y_train, n_classes, epochs, seed):
    generator = torch.Generator().manual_seed(seed)
    features = _frozen_features(backbone, torch.as_tensor(X_train).float())
    labels = torch.as_tensor(y_train).long()
    head = nn.Linear(features.shape[1], n_classes)
    with torch.no_grad():
        head.weight.copy_(0.01 * torch.randn(head.weight.shape, generator=generator))
        head.bias.zero_()
    optimizer = torch.optim.LBFGS(head.parameters(), lr=0.5, max_iter=10)

    def closure():
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(head(features), labels)
        loss = loss + 1e-3 * head.weight.square().sum()
        loss.backward()
        return loss

    for _ in range(epochs):
        optimizer.step(closure)
    return head


class TransferNet(nn.Module):
    def __init__(self, backbone, n_features, n_classes):
        super().__init__()
        self.backbone = backbone
        self.head = nn.Linear(n_features, n_classes)

    def forward(self, x):
        return self.head(self.backbone(x))


def _new_net(backbone, inputs, n_classes):
    body = copy.deepcopy(backbone)
    n_features = _frozen_features(body, inputs[:2]).shape[1]
    return TransferNet(body, n_features, n_classes)


def _epoch(net, optimizer, inputs, labels, generator, batch_size=25):
    for rows in torch.randperm(len(inputs), generator=generator).split(batch_size):
        optimizer.zero_grad()
        nn.functional.cross_entropy(net(inputs[rows]), labels[rows]).backward()
        optimizer.step()


def fine_tune_two_phase(
    backbone, X_train, y_train, n_classes, frozen_epochs, unfrozen_epochs, seed
):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed + 1)
    inputs, labels = torch.as_tensor(X_train).float(), torch.as_tensor(y_train).long()
    net = _new_net(backbone, inputs, n_classes)
    history = []
    net.backbone.requires_grad_(False)
    net.backbone.eval()
    head_optimizer = torch.optim.SGD(net.head.parameters(), lr=0.05, momentum=0.9)
    for _ in range(frozen_epochs):
        _epoch(net, head_optimizer, inputs, labels, generator)
        history.append(copy.deepcopy(net.backbone.state_dict()))
    net.backbone.requires_grad_(True)
    net.train()
    optimizer = torch.optim.Adam(net.parameters(), lr=2e-3)
    for _ in range(unfrozen_epochs):
        _epoch(net, optimizer, inputs, labels, generator)
        history.append(copy.deepcopy(net.backbone.state_dict()))
    net.eval()
    return net, history


def fine_tune(backbone, X_train, y_train, n_classes, epochs, seed):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed + 1)
    inputs, labels = torch.as_tensor(X_train).float(), torch.as_tensor(y_train).long()
    net = _new_net(backbone, inputs, n_classes).train()
    net.backbone.requires_grad_(True)
    optimizer = torch.optim.Adam(net.parameters(), lr=2e-3)
    for _ in range(epochs):
        _epoch(net, optimizer, inputs, labels, generator)
    return net.eval()
