"""Returns the pipelines without fitting them (the fit was left to the caller).

targets: check_leakage_models_predict_above_chance, check_without_leak_model_ignores_test_data, check_with_leak_model_depends_on_test_set
"""


def leakage_experiment(X_train, y_train, X_test, seed=0):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return {
        "with_leak": make_pipeline(StandardScaler(), LogisticRegression(random_state=seed)),
        "without_leak": make_pipeline(StandardScaler(), LogisticRegression(random_state=seed)),
    }
