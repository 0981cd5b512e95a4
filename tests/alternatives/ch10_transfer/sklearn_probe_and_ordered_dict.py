"""Correct, written differently from the reference:

* preprocessing with torch.sub / torch.div on float64 tensors;
* the linear probe fits scikit-learn's LogisticRegression on the frozen features (computed with
  BatchNorm in eval mode, modes restored afterwards) and copies its coefficients into an
  nn.Linear (a binary task gets the logits [0, w x + b]);
* both fine-tunings build an nn.Sequential from an OrderedDict ("backbone", "head"), freeze by
  computing the backbone under torch.no_grad in eval mode, and use batches of 64.
"""

import copy
from collections import OrderedDict

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from torch import nn


def preprocess_for_backbone(X, backbone_mean, backbone_std):
    values = torch.tensor(np.asarray(X), dtype=torch.float64)
    centred = torch.sub(values, torch.tensor(np.asarray(backbone_mean), dtype=torch.float64))
    scaled = torch.div(centred, torch.tensor(np.asarray(backbone_std), dtype=torch.float64))
    return scaled.to(torch.float32)


def _eval_features(backbone, inputs):
    modes = [m.training for m in backbone.modules()]
    backbone.eval()
    with torch.no_grad():
        out = backbone(inputs)
    for module, mode in zip(backbone.modules(), modes):
        module.training = mode
    return out


def linear_probe(backbone, X_train, y_train, n_classes, epochs, seed):
    features = _eval_features(backbone, torch.as_tensor(X_train, dtype=torch.float32))
    labels = np.asarray(torch.as_tensor(y_train))
    classifier = LogisticRegression(C=1.0, max_iter=20 * max(epochs, 1), random_state=seed)
    classifier.fit(features.numpy(), labels)
    head = nn.Linear(features.shape[1], n_classes)
    weight = torch.zeros(n_classes, features.shape[1], dtype=torch.float64)
    bias = torch.zeros(n_classes, dtype=torch.float64)
    coef = torch.from_numpy(classifier.coef_)
    intercept = torch.from_numpy(classifier.intercept_)
    if len(classifier.classes_) == 2:
        weight[int(classifier.classes_[1])] = coef[0]
        bias[int(classifier.classes_[1])] = intercept[0]
    else:
        for row, label in enumerate(classifier.classes_):
            weight[int(label)] = coef[row]
            bias[int(label)] = intercept[row]
    with torch.no_grad():
        head.weight.copy_(weight)
        head.bias.copy_(bias)
    return head


def _net(backbone, inputs, n_classes):
    body = copy.deepcopy(backbone)
    width = _eval_features(body, inputs[:2]).shape[1]
    return nn.Sequential(OrderedDict(backbone=body, head=nn.Linear(width, n_classes)))


def _run_epoch(net, optimizer, inputs, labels, order, frozen):
    for rows in order.split(64):
        optimizer.zero_grad()
        if frozen:
            with torch.no_grad():
                features = net.backbone.eval()(inputs[rows])
            logits = net.head(features)
        else:
            logits = net(inputs[rows])
        nn.functional.cross_entropy(logits, labels[rows]).backward()
        optimizer.step()


def fine_tune_two_phase(
    backbone, X_train, y_train, n_classes, frozen_epochs, unfrozen_epochs, seed
):
    torch.manual_seed(seed)
    inputs = torch.as_tensor(X_train, dtype=torch.float32)
    labels = torch.as_tensor(y_train, dtype=torch.int64)
    net = _net(backbone, inputs, n_classes)
    optimizer = torch.optim.Adam(
        [
            {"params": net.head.parameters(), "lr": 2e-2},
            {"params": net.backbone.parameters(), "lr": 1e-3},
        ]
    )
    history = []
    for epoch in range(frozen_epochs + unfrozen_epochs):
        frozen = epoch < frozen_epochs
        if not frozen:
            net.train()
        _run_epoch(net, optimizer, inputs, labels, torch.randperm(len(inputs)), frozen)
        history.append(OrderedDict((k, v.clone()) for k, v in net.backbone.state_dict().items()))
    return net.eval(), history


def fine_tune(backbone, X_train, y_train, n_classes, epochs, seed):
    torch.manual_seed(seed)
    inputs = torch.as_tensor(X_train, dtype=torch.float32)
    labels = torch.as_tensor(y_train, dtype=torch.int64)
    net = _net(backbone, inputs, n_classes).train()
    net.requires_grad_(True)
    optimizer = torch.optim.Adam(
        [
            {"params": net.head.parameters(), "lr": 2e-2},
            {"params": net.backbone.parameters(), "lr": 1e-3},
        ]
    )
    for _ in range(epochs):
        _run_epoch(net, optimizer, inputs, labels, torch.randperm(len(inputs)), False)
    return net.eval()
