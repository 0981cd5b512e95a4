"""A correct solution written by hand: loops, a numpy standardiser with a nearest-centroid
classifier, eigh of the covariance, the dual normal equations, k-center started from the point
farthest from the mean, and plt.plot markers.
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


class _StandardisedNearestCentroid:
    """Per-feature mean and population std kept from the data it is built with; predicts the class
    whose centroid (in standardised units) is nearest."""

    def __init__(self, statistics_from):
        data = np.asarray(statistics_from, dtype=float)
        self.centre = [float(np.mean(data[:, j])) for j in range(data.shape[1])]
        self.spread = []
        for j, centre in enumerate(self.centre):
            spread = float(np.sqrt(np.mean((data[:, j] - centre) ** 2)))
            self.spread.append(spread if spread > 0 else 1.0)

    def _standardise(self, X):
        return (np.asarray(X, dtype=float) - np.array(self.centre)) / np.array(self.spread)

    def fit(self, X, y):
        Z, y = self._standardise(X), np.asarray(y)
        self.labels = sorted(set(y.tolist()))
        self.centroids = np.array([Z[y == label].mean(axis=0) for label in self.labels])
        return self

    def predict(self, X):
        Z = self._standardise(X)
        distances = ((Z[:, None, :] - self.centroids[None, :, :]) ** 2).sum(axis=2)
        return np.array(self.labels)[np.argmin(distances, axis=1)]


def leakage_experiment(X_train, y_train, X_test, seed=0):
    everything = np.concatenate([np.asarray(X_train), np.asarray(X_test)])
    return {
        "with_leak": _StandardisedNearestCentroid(everything).fit(X_train, y_train),
        "without_leak": _StandardisedNearestCentroid(X_train).fit(X_train, y_train),
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
