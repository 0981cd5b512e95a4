"""Multiplies by phi instead of raising to it: alpha * phi, beta * phi, gamma * phi.

targets: check_compound_scaling_matches_definition, check_compound_scaling_grows_flops_as_predicted
"""


def compound_scaling(phi, alpha=1.2, beta=1.1, gamma=1.15):
    return float(alpha * phi), float(beta * phi), float(gamma * phi)
