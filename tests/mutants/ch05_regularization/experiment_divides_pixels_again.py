"""Divides the pixels by 16 although X_train already holds pixels / 16: the models train on inputs
in [0, 1/16] and then meet inputs in [0, 1].

targets: check_critical_period_accuracy_measured_by_judge
"""

_reference_models = critical_period_experiment


def critical_period_experiment(X_train, y_train, removal_epochs, epochs=8, seed=0):
    X = (np.asarray(X_train) / 16.0).astype(np.float32)
    return _reference_models(X, y_train, removal_epochs, epochs, seed)
