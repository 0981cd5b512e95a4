"""A correct solution written by hand: loops, eigh of the covariance, the dual normal equations,
k-center started from the point farthest from the mean, and plt.plot markers.
"""

import numpy as np


def standardize_without_leakage(X_train, X_test):
    X_train = np.array(X_train, dtype=float)
    X_test = np.array(X_test, dtype=float)
    out_train, out_test = np.empty_like(X_train), np.empty_like(X_test)
    for j in range(X_train.shape[1]):
        column = X_train[:, j]
        mean = column.sum() / len(column)
        std = np.sqrt(((column - mean) ** 2).sum() / len(column))
        scale = std if np.ptp(column) > 0 else 1.0
        out_train[:, j] = (column - mean) / scale
        out_test[:, j] = (X_test[:, j] - mean) / scale
    return out_train, out_test


def leakage_experiment(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] + 0.5 * rng.normal(size=200) > 0).astype(int)
    order = rng.permutation(200)
    train, test = order[:140], order[140:]

    def accuracy(train_x, test_x):
        w = np.linalg.lstsq(np.c_[train_x, np.ones(len(train_x))], 2 * y[train] - 1, rcond=None)[0]
        return float(((np.c_[test_x, np.ones(len(test_x))] @ w > 0) == y[test]).mean())

    leaky = (X - X.mean(0)) / X.std(0)
    clean = standardize_without_leakage(X[train], X[test])
    return {
        "accuracy_with_leak": accuracy(leaky[train], leaky[test]),
        "accuracy_without_leak": accuracy(*clean),
    }


def class_statistics(X, y):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y)
    means, farthest = [], []
    for label in sorted(set(y.tolist())):
        rows = [i for i in range(len(y)) if y[i] == label]
        mean = X[rows].mean(axis=0)
        best, best_d = rows[0], -1.0
        for i in rows:
            d = float(np.sum((X[i] - mean) ** 2))
            if d > best_d:
                best, best_d = i, d
        means.append(mean)
        farthest.append(best)
    return {
        "global_mean": X.mean(axis=0),
        "class_means": np.array(means),
        "farthest_index": np.array(farthest),
    }


def project_2d(X):
    X = np.asarray(X, dtype=float)
    if X.shape[1] == 2:
        return X.copy()
    centred = X - X.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred)
    top = vectors[:, np.argsort(values)[::-1][:2]]
    return centred @ top


def plot_feature_space(X, y):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = project_2d(X)
    y = np.asarray(y)
    figure = plt.figure()
    for label in np.unique(y):
        plt.plot(points[y == label, 0], points[y == label, 1], ".", alpha=0.5)
        centre = points[y == label].mean(axis=0)
        plt.plot(centre[0], centre[1], "ks", markersize=9)
    plt.plot(*points.mean(axis=0), "r*", markersize=15)
    plt.title("feature space")
    return figure


def fit_linear_closed_form(X, Y, ridge=0.0):
    X = np.asarray(X, dtype=float)
    Y = np.asarray(Y, dtype=float)
    n, m = X.shape
    if m >= n:
        return X.T @ np.linalg.solve(X @ X.T + ridge * np.eye(n), Y)
    return np.linalg.solve(X.T @ X + ridge * np.eye(m), X.T @ Y)


def select_coreset(X, k, seed=0):
    X = np.asarray(X, dtype=float)
    if k > len(X) or k < 1:
        raise ValueError(f"cannot pick {k} of {len(X)} samples")
    first = int(np.argmax(np.linalg.norm(X - X.mean(axis=0), axis=1)))
    chosen = [first]
    nearest = np.linalg.norm(X - X[first], axis=1)
    for _ in range(k - 1):
        nearest[chosen] = -1.0
        nxt = int(np.argmax(nearest))
        chosen.append(nxt)
        nearest = np.minimum(
            np.where(nearest < 0, 0.0, nearest), np.linalg.norm(X - X[nxt], axis=1)
        )
        nearest[chosen] = -1.0
    return np.array(chosen)
