"""Resizes every input back to 16x16 before the trained CNN (what the statement forbids).

targets: check_agnostic_first_conv_sees_input_size
"""

import copy

from torch import nn
from torch.nn import functional as F


class Resize16(nn.Module):
    def forward(self, x):
        return F.interpolate(x, size=(16, 16), mode="bilinear", align_corners=False)


def make_resolution_agnostic(model):
    return nn.Sequential(Resize16(), copy.deepcopy(model)).eval()
