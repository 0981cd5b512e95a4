"""Uses a strict inequality: a drop exactly equal to the tolerance is called critical.

targets: check_classify_layers_boundaries
"""


def classify_layers(results, baseline, tolerance=0.05):
    return {
        name: "robust" if baseline - accuracy < tolerance else "critical"
        for name, accuracy in results.items()
    }
