"""Scales the input without clamping it back to the valid pixel range.

targets: check_scaleup_small_example, check_scaleup_matches_definition
"""

import torch


def scaleup_consistency(model, x, scales):
    inputs = torch.as_tensor(x, dtype=torch.float32)
    with torch.no_grad():
        original = model(inputs).argmax(dim=1)
        agree = [(model(float(s) * inputs).argmax(dim=1) == original).double() for s in scales]
    return torch.stack(agree).mean(dim=0).numpy()
