"""Re-draws the frozen layers' random weights (reset_parameters) while freezing them.

targets: check_freeze_keeps_values, check_bn_only_training_keeps_other_parameters
"""

from torch import nn


def freeze_all_but_batchnorm(model):
    for module in model.modules():
        is_bn = isinstance(module, nn.modules.batchnorm._BatchNorm)
        if (
            not is_bn
            and hasattr(module, "reset_parameters")
            and list(module.parameters(recurse=False))
        ):
            module.reset_parameters()
        for parameter in module.parameters(recurse=False):
            parameter.requires_grad_(is_bn)
    return model
