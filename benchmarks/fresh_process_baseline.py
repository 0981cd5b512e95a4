"""The baseline of benchmarks/overhead.py: one fresh interpreter per submission, running the same
four checks inside the student's process (the nbgrader/Otter way: import torch and scikit-learn
again, import the submission, assert). Prints the seconds spent inside the checks."""

import importlib.util
import sys
import time

import numpy as np
import sklearn.linear_model  # noqa: F401  (what every notebook grader imports)
import torch


def load(path: str, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(submission: str, reference: str) -> None:
    student, ref = load(submission, "submission"), load(reference, "reference")
    rng = np.random.default_rng(0)
    started = time.perf_counter()
    passed = 0
    X_train, X_test = rng.normal(2.0, 3.0, size=(40, 5)), rng.normal(size=(9, 5))
    got, want = (
        student.standardize_without_leakage(X_train, X_test),
        ref.standardize_without_leakage(X_train, X_test),
    )
    passed += np.allclose(got[0], want[0]) and np.allclose(got[1], want[1])
    X_train = rng.normal(size=(30, 4))
    a, _ = student.standardize_without_leakage(X_train, rng.normal(size=(5, 4)))
    b, _ = student.standardize_without_leakage(X_train, rng.normal(50.0, 9.0, size=(8, 4)))
    passed += np.allclose(a, b)
    model = student.make_power_mlp(5, 3, 2, 3)
    passed += [tuple(p.shape) for n, p in model.named_parameters() if n.endswith("weight")] == [
        (2, 5),
        (4, 2),
        (8, 4),
        (3, 8),
    ]
    passed += tuple(student.make_power_mlp(6, 2, 3, 4)(torch.zeros(7, 6)).shape) == (7, 4)
    print(f"checks_s={time.perf_counter() - started:.6f} passed={passed}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
