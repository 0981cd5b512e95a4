"""Keeps the old habit of reporting numbers: measures each model's accuracy on its own test split
and returns {t: accuracy} instead of the trained models (a self-reported score).

targets: check_critical_period_experiment_structure_public, check_critical_period_accuracy_measured_by_judge
"""

_reference_models = critical_period_experiment


def critical_period_experiment(X_train, y_train, removal_epochs, epochs=8, seed=0):
    X_train, y_train = np.asarray(X_train), np.asarray(y_train)
    cut = int(0.8 * len(X_train))
    models = _reference_models(X_train[:cut], y_train[:cut], removal_epochs, epochs, seed)
    X_val = torch.tensor(X_train[cut:], dtype=torch.float32)
    with torch.no_grad():
        return {
            t: float((model(X_val).argmax(1).numpy() == y_train[cut:]).mean())
            for t, model in models.items()
        }
