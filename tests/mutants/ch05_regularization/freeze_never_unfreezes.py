"""Only switches requires_grad off outside BatchNorm; a BatchNorm that came in frozen stays frozen.

targets: check_freeze_unfreezes_frozen_batchnorm
"""

from torch import nn


def freeze_all_but_batchnorm(model):
    for module in model.modules():
        if not isinstance(module, nn.modules.batchnorm._BatchNorm):
            for parameter in module.parameters(recurse=False):
                parameter.requires_grad = False
    return model
