"""Returns the regressor's prediction array (shape (1,)) instead of a float.

targets: check_predictor_returns_numbers
"""

import math

import numpy as np


def fit_performance_predictor(results):
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.feature_extraction import DictVectorizer

    def encode(config):
        return {
            (f"{name}={value}" if isinstance(value, str) else name): (
                1.0 if isinstance(value, str) else math.log(value)
            )
            for name, value in config.items()
        }

    vectorizer = DictVectorizer(sparse=False)
    X = vectorizer.fit_transform([encode(r["config"]) for r in results])
    y = np.array([r["score"] for r in results])
    forest = RandomForestRegressor(n_estimators=100, random_state=0).fit(X, y)
    return lambda config: forest.predict(vectorizer.transform([encode(config)]))
