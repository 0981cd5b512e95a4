"""Draws the classes but forgets to mark the global mean and the class means.

targets: check_plot_marks_global_and_class_means
"""

import numpy as np


def plot_feature_space(X, y):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    points = project_2d(X)
    figure, axes = plt.subplots()
    for c in np.unique(y):
        axes.scatter(points[y == c, 0], points[y == c, 1], s=10, label=str(c))
    axes.legend()
    return figure
