"""Names written for an nn.Sequential ("0", "2", ...): wrong on any other network.

targets: check_choice_names_are_linear_layers, check_choice_valid_on_unseen_names
"""


def choose_lora_layers(model, X, y, k):
    if k < 1:
        raise ValueError("k")
    return [str(2 * i) for i in range(k)]
