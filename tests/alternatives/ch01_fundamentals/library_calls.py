"""A correct solution built on library calls: StandardScaler, a Pipeline with LogisticRegression,
sklearn PCA, lstsq/Ridge, KMeans.

Every function of the contract is redefined here.
"""

import numpy as np


def standardize_without_leakage(X_train, X_test):
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test)


def leakage_experiment(X_train, y_train, X_test, seed=0):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import StandardScaler

    without_leak = make_pipeline(StandardScaler(), LogisticRegression(C=10.0, random_state=seed))
    without_leak.fit(X_train, y_train)
    leaky_scaler = StandardScaler().fit(np.vstack([X_train, X_test]))
    leaky_classifier = LogisticRegression(C=10.0, random_state=seed)
    leaky_classifier.fit(leaky_scaler.transform(X_train), y_train)
    with_leak = Pipeline([("scale", leaky_scaler), ("classify", leaky_classifier)])
    return {"with_leak": with_leak, "without_leak": without_leak}


def class_statistics(X, y):
    X = np.asarray(X, dtype=float)
    classes, codes = np.unique(y, return_inverse=True)
    counts = np.bincount(codes)
    sums = np.zeros((len(classes), X.shape[1]))
    np.add.at(sums, codes, X)
    means = sums / counts[:, None]
    distance = np.linalg.norm(X - means[codes], axis=1)
    farthest = np.array(
        [np.flatnonzero(codes == c)[np.argmax(distance[codes == c])] for c in range(len(classes))]
    )
    return {"global_mean": X.mean(axis=0), "class_means": means, "farthest_index": farthest}


def project_2d(X):
    from sklearn.decomposition import PCA

    X = np.asarray(X, dtype=float)
    if X.shape[1] == 2:
        return X
    return PCA(n_components=2, svd_solver="full").fit_transform(X)


def plot_feature_space(X, y):
    from matplotlib.figure import Figure

    points = project_2d(X)
    figure = Figure(figsize=(4, 4))
    axes = figure.add_subplot()
    axes.scatter(points[:, 0], points[:, 1], c=np.unique(y, return_inverse=True)[1], s=8)
    centres = np.array([points[np.asarray(y) == c].mean(axis=0) for c in np.unique(y)])
    axes.scatter(centres[:, 0], centres[:, 1], marker="D", color="red", label="class means")
    axes.scatter(*points.mean(axis=0), marker="*", s=200, color="k", label="global mean")
    axes.legend()
    return figure


def fit_linear_closed_form(X, Y, ridge=0.0):
    if ridge == 0:
        return np.linalg.lstsq(np.asarray(X, float), np.asarray(Y, float), rcond=None)[0]
    from sklearn.linear_model import Ridge

    coef = Ridge(alpha=ridge, fit_intercept=False, solver="cholesky").fit(X, Y).coef_.T
    return coef.reshape(np.shape(X)[1], *np.shape(Y)[1:])  # Ridge ravels a single target


def select_coreset(X, k, seed=0):
    from sklearn.cluster import KMeans

    X = np.asarray(X, dtype=float)
    centres = KMeans(n_clusters=k, n_init=3, random_state=seed).fit(X).cluster_centers_
    chosen = []
    for centre in centres:
        order = np.argsort(np.linalg.norm(X - centre, axis=1))
        chosen.append(next(int(i) for i in order if int(i) not in chosen))
    return np.array(chosen)
