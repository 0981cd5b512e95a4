"""Decides by parameter name ('bn' in the name): layers of an nn.Sequential are named 0, 1, 2...,
so every parameter ends up frozen, BatchNorm included.

targets: check_freeze_small_model_public, check_freeze_only_batchnorm_parameters
"""


def freeze_all_but_batchnorm(model):
    for name, parameter in model.named_parameters():
        parameter.requires_grad = "bn" in name or "batchnorm" in name.lower()
    return model
