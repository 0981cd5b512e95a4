"""Reports accuracies in percent (0-100) instead of fractions in [0, 1].

targets: check_critical_period_experiment_structure_public, check_critical_period_experiment_keys_and_values
"""

_reference_experiment = critical_period_experiment


def critical_period_experiment(removal_epochs, epochs=8, seed=0):
    results = _reference_experiment(removal_epochs, epochs=epochs, seed=seed)
    return {t: 100.0 * accuracy for t, accuracy in results.items()}
