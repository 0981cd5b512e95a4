"""Correct, written with a library: FGSM from the Adversarial Robustness Toolbox (ART,
`FastGradientMethod` on a `PyTorchClassifier`, L-inf, clip values (0, 1)). ART sets the model to
eval mode and leaves gradients in the parameters' .grad, so the function restores both."""

import numpy as np
import torch
from art.attacks.evasion import FastGradientMethod
from art.estimators.classification import PyTorchClassifier
from torch import nn


def fgsm(model, x, y, eps):
    inputs = torch.as_tensor(x, dtype=torch.float32).detach()
    labels = np.asarray(torch.as_tensor(y).cpu(), dtype=np.int64)
    was_training = model.training
    saved_grads = [None if p.grad is None else p.grad.clone() for p in model.parameters()]
    with torch.no_grad():
        n_classes = int(model(inputs[:1]).shape[1])
    classifier = PyTorchClassifier(
        model=model,
        loss=nn.CrossEntropyLoss(),
        input_shape=tuple(inputs.shape[1:]),
        nb_classes=n_classes,
        clip_values=(0.0, 1.0),
        device_type="cpu",
    )
    attack = FastGradientMethod(classifier, norm=np.inf, eps=float(eps), targeted=False)
    adversarial = attack.generate(x=inputs.numpy(), y=np.eye(n_classes)[labels])
    for parameter, grad in zip(model.parameters(), saved_grads):
        parameter.grad = grad
    model.train(was_training)
    return torch.from_numpy(np.asarray(adversarial, dtype=np.float32))
