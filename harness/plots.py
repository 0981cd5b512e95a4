"""Figures a person would rather look at than read, built the same way for every grader.

A grader builds one of these from plain data (numbers it got from the student and the reference)
and attaches it to its check with ``ctx.attach_figure(title, figure)``; the report shows it next to
the check's message. Judge-side only: nothing here touches student objects.

* :func:`bars_vs_reference`: one value per named item, student next to reference (layer
  robustness, per-layer probe accuracy...), with an optional chance-level line.
* :func:`curves`: a few series over the same x (learning-rate schedules, training curves).
* :func:`loss_surface`: a loss landscape ``Z[i, j]`` over ``alphas[i], betas[j]`` as a filled
  contour map and a 3-D surface side by side, the centre (the trained model) marked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

STUDENT_COLOR = "#0550ae"
REFERENCE_COLOR = "#bf8700"


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def bars_vs_reference(
    student: Mapping[str, float],
    reference: Mapping[str, float],
    *,
    ylabel: str = "",
    baseline: float | None = None,
    baseline_label: str = "chance",
    student_label: str = "student",
    reference_label: str = "reference",
) -> Any:
    """Grouped bars per item (the union of both mappings, reference order first)."""
    names = list(reference) + [n for n in student if n not in reference]
    x = np.arange(len(names))
    figure = _figure(max(4.0, 0.8 * len(names) + 1.5), 3.2)
    axes = figure.add_subplot(1, 1, 1)
    width = 0.4
    values_s = [float(student.get(n, np.nan)) for n in names]
    values_r = [float(reference.get(n, np.nan)) for n in names]
    axes.bar(x - width / 2, values_s, width, label=student_label, color=STUDENT_COLOR)
    axes.bar(x + width / 2, values_r, width, label=reference_label, color=REFERENCE_COLOR)
    if baseline is not None:
        axes.axhline(baseline, color="grey", linestyle="--", linewidth=1, label=baseline_label)
    axes.set_xticks(
        x, names, rotation=30 if len(names) > 5 else 0, ha="right" if len(names) > 5 else "center"
    )
    axes.set_ylabel(ylabel)
    axes.legend(fontsize=8)
    return figure


def curves(
    x: Sequence[float],
    series: Mapping[str, Sequence[float]],
    *,
    xlabel: str = "",
    ylabel: str = "",
    log_y: bool = False,
) -> Any:
    """Line plot of each named series over ``x``; the first series is drawn as the student's."""
    figure = _figure(5.0, 3.2)
    axes = figure.add_subplot(1, 1, 1)
    for i, (name, values) in enumerate(series.items()):
        style = {"color": STUDENT_COLOR, "linewidth": 2} if i == 0 else {"linestyle": "--"}
        axes.plot(list(x), list(values), label=name, **style)
    if log_y:
        axes.set_yscale("log")
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    if series:
        axes.legend(fontsize=8)
    return figure


def loss_surface(
    alphas: Sequence[float],
    betas: Sequence[float],
    z: Any,
    *,
    zlabel: str = "loss",
    log_scale: bool = False,
) -> Any:
    """A loss landscape: contour map (left) and 3-D surface (right); the centre is marked."""
    a = np.asarray(alphas, dtype=float)
    b = np.asarray(betas, dtype=float)
    values = np.asarray(z, dtype=float)
    if values.shape != (a.size, b.size):
        raise ValueError(f"Z has shape {values.shape}, expected {(a.size, b.size)}")
    shown = np.log10(np.clip(values, 1e-12, None)) if log_scale else values
    finite = np.isfinite(shown)
    if not finite.any():
        raise ValueError("Z has no finite value")
    shown = np.where(finite, shown, np.nanmax(np.where(finite, shown, np.nan)))
    grid_b, grid_a = np.meshgrid(b, a)
    figure = _figure(9.0, 3.8)
    left = figure.add_subplot(1, 2, 1)
    filled = left.contourf(grid_a, grid_b, shown, levels=20, cmap="viridis")
    left.contour(grid_a, grid_b, shown, levels=10, colors="white", linewidths=0.5)
    left.plot([0.0], [0.0], marker="*", color="red", markersize=10)
    left.set_xlabel("α")
    left.set_ylabel("β")
    figure.colorbar(filled, ax=left, label=f"log10 {zlabel}" if log_scale else zlabel)
    right = figure.add_subplot(1, 2, 2, projection="3d")
    right.plot_surface(grid_a, grid_b, shown, cmap="viridis", linewidth=0, antialiased=True)
    right.set_xlabel("α")
    right.set_ylabel("β")
    right.set_zlabel(zlabel)
    return figure
