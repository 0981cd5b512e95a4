"""Returns (width, depth, resolution): beta and alpha swapped.

targets: check_compound_scaling_example, check_compound_scaling_matches_definition, check_compound_scaling_grows_flops_as_predicted
"""


def compound_scaling(phi, alpha=1.2, beta=1.1, gamma=1.15):
    return float(beta**phi), float(alpha**phi), float(gamma**phi)
