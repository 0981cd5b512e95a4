"""Recognises only BatchNorm1d and BatchNorm2d, so a BatchNorm3d stays frozen.

targets: check_freeze_only_batchnorm_parameters
"""


def freeze_all_but_batchnorm(model):
    for module in model.modules():
        is_batchnorm = isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d))
        for parameter in module.parameters(recurse=False):
            parameter.requires_grad_(is_batchnorm)
    return model
