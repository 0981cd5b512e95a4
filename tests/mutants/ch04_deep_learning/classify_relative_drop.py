"""Compares the relative drop (baseline - accuracy) / baseline with the tolerance.

targets: check_classify_layers_boundaries
"""


def classify_layers(results, baseline, tolerance=0.05):
    return {
        name: "robust" if (baseline - accuracy) / baseline <= tolerance else "critical"
        for name, accuracy in results.items()
    }
