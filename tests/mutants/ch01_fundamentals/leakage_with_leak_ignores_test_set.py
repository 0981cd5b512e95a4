"""The "with_leak" model never sees X_test (statistics of X_train only), so no leak is simulated:
the two models are the same.

targets: check_with_leak_model_depends_on_test_set
"""


def leakage_experiment(X_train, y_train, X_test, seed=0):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    def fitted():
        model = make_pipeline(StandardScaler(), LogisticRegression(random_state=seed))
        return model.fit(X_train, y_train)

    return {"with_leak": fitted(), "without_leak": fitted()}
