"""Uses loss.backward(), which also fills every parameter's .grad, and leaves them there.

targets: check_fgsm_leaves_model_untouched
"""

import torch
from torch import nn


def fgsm(model, x, y, eps):
    inputs = torch.as_tensor(x, dtype=torch.float32).detach().clone().requires_grad_(True)
    nn.functional.cross_entropy(model(inputs), torch.as_tensor(y, dtype=torch.int64)).backward()
    return torch.clamp(inputs.detach() + eps * inputs.grad.sign(), 0.0, 1.0)
