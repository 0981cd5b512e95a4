"""Shuffles X_train and y_train in place (the same permutation for both) before training, which
changes the caller's arrays.

targets: check_critical_period_experiment_leaves_inputs_untouched
"""

_reference_models = critical_period_experiment


def critical_period_experiment(X_train, y_train, removal_epochs, epochs=8, seed=0):
    np.random.default_rng(seed).shuffle(X_train)
    np.random.default_rng(seed).shuffle(y_train)
    return _reference_models(X_train, y_train, removal_epochs, epochs, seed)
