"""Marks the means in project_2d coordinates but scatters the samples on the first two raw
features.

targets: check_plot_draws_projected_samples
"""

import numpy as np


def plot_feature_space(X, y):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    X = np.asarray(X, dtype=float)
    points = project_2d(X)  # the reference's function
    y = np.asarray(y)
    figure, axes = plt.subplots()
    for c in np.unique(y):
        axes.scatter(X[y == c, 0], X[y == c, 1], s=12, label=f"class {c}")
        mean = points[y == c].mean(axis=0)
        axes.scatter([mean[0]], [mean[1]], marker="X", s=120)
    overall = points.mean(axis=0)
    axes.scatter([overall[0]], [overall[1]], marker="*", s=250, color="black")
    return figure
