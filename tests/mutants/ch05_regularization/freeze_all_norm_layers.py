"""Treats every normalisation layer (LayerNorm, GroupNorm) as BatchNorm: 'Norm' in the class name.

targets: check_freeze_only_batchnorm_parameters
"""


def freeze_all_but_batchnorm(model):
    for module in model.modules():
        keep = "Norm" in type(module).__name__
        for parameter in module.parameters(recurse=False):
            parameter.requires_grad = keep
    return model
