"""Instrumented helpers that the ch09_transformers_mlp grader sends into the worker.

The judge never runs student code in its own process, and it does not take an ensemble's word for
what its members saw: the base estimator it passes to ``LimitedEnsembleClassifier`` writes down
every matrix it is fitted on and every matrix it is asked to predict, in a log kept in this module
(shared by every clone, since the log is found through the ``tag`` parameter that ``clone`` copies).
The judge reads the log back as plain data and matches the rows and columns itself. Everything
here imports only the standard library, numpy, scikit-learn and torch, and pickles by reference.

* :class:`CentroidClassifier`: a tiny scikit-learn classifier (Gaussian class centroids with one
  shared diagonal variance, softmax scores); fast and deterministic, the "limited base model".
* :class:`RecordingClassifier`: the same, plus the log (``tag`` names the log).
* :func:`fit_log` / :func:`forget`: read back or clear the log of a tag.
* :func:`estimator_state`: an estimator's ``get_params()`` and fitted attributes as plain data.
* :func:`clone_report`: what ``sklearn.base.clone`` makes of an estimator.
* :func:`sklearn_checks`: runs chosen checks of ``sklearn.utils.estimator_checks``.
* :func:`train_digits`: the judge's fixed short training recipe for a classifier network.

Probes report plain data; an exception raised by the student's own code propagates, so the judge
can say whose it was.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from torch import nn

#: tag -> one entry per fit: {"X", "codes", "owner", "predict": [matrices]}
_LOG: dict[str, list[dict[str, Any]]] = {}
#: at most this many prediction matrices are kept per fitted member
KEPT_PREDICTIONS = 4


def _matrix(X: Any, who: str) -> np.ndarray:
    """X as a finite 2-d float64 array, or a ValueError that says what came instead."""
    if hasattr(X, "toarray"):
        X = X.toarray()
    array = np.array(X, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"{who} expects a 2-d array (n_samples, n_features), got {array.shape}")
    if array.size and not np.isfinite(array).all():
        raise ValueError(f"{who}: the input holds NaN or infinity")
    return array


class CentroidClassifier(ClassifierMixin, BaseEstimator):
    """Gaussian centroids sharing one diagonal variance (plus ``smoothing``); softmax scores."""

    def __init__(self, smoothing: float = 1.0) -> None:
        self.smoothing = smoothing

    def fit(self, X: Any, y: Any) -> CentroidClassifier:
        data = _matrix(X, "fit")
        labels = np.array(y, copy=None)  # a view when y is already an array
        if labels.ndim != 1 or len(labels) != len(data) or len(data) == 0:
            raise ValueError(
                f"fit expects y of shape ({len(data)},) matching X, got {labels.shape}"
            )
        self.classes_, codes = np.unique(labels, return_inverse=True)
        counts = np.bincount(codes, minlength=len(self.classes_)).astype(np.float64)
        sums = np.zeros((len(self.classes_), data.shape[1]))
        np.add.at(sums, codes, data)
        self.centroids_ = sums / counts[:, None]
        spread = data - self.centroids_[codes]
        self.variance_ = (spread**2).mean(axis=0) + float(self.smoothing)
        self.n_features_in_ = data.shape[1]
        return self

    def _scores(self, X: Any) -> np.ndarray:
        if not hasattr(self, "centroids_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("this CentroidClassifier is not fitted yet")
        data = _matrix(X, "predict")
        if data.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {data.shape[1]} features, but this member was fitted on "
                f"{self.n_features_in_} features"
            )
        gaps = (data[:, None, :] - self.centroids_[None, :, :]) ** 2
        return -0.5 * (gaps / self.variance_).sum(axis=2)

    def predict_proba(self, X: Any) -> np.ndarray:
        scores = self._scores(X)
        scores = scores - scores.max(axis=1, keepdims=True)
        weights = np.exp(scores)
        return weights / weights.sum(axis=1, keepdims=True)

    def predict(self, X: Any) -> np.ndarray:
        return self.classes_[self._scores(X).argmax(axis=1)]


class RecordingClassifier(CentroidClassifier):
    """A :class:`CentroidClassifier` that writes every fit and prediction into the log ``tag``."""

    def __init__(self, tag: str = "members", smoothing: float = 1.0) -> None:
        self.tag = tag
        self.smoothing = smoothing

    def fit(self, X: Any, y: Any) -> RecordingClassifier:
        data = _matrix(X, "fit")
        _, codes = np.unique(np.asarray(y), return_inverse=True)
        entries = _LOG.setdefault(str(self.tag), [])
        self._entry = {"X": data.copy(), "codes": codes.reshape(-1), "owner": id(self)}
        self._entry["predict"] = []
        entries.append(self._entry)
        return super().fit(data, y)

    def _scores(self, X: Any) -> np.ndarray:
        entry = getattr(self, "_entry", None)
        if entry is not None and len(entry["predict"]) < KEPT_PREDICTIONS:
            with contextlib.suppress(ValueError, TypeError):
                entry["predict"].append(_matrix(X, "predict").copy())
        return super()._scores(X)


def fit_log(tag: str) -> list[dict[str, Any]]:
    """Every fit recorded under ``tag``, in order, as plain data."""
    return [
        {
            "X": entry["X"],
            "codes": np.asarray(entry["codes"], dtype=np.int64),
            "owner": int(entry["owner"]),
            "predict": list(entry["predict"]),
        }
        for entry in _LOG.get(str(tag), [])
    ]


def forget(tag: str) -> None:
    """Clear the log of ``tag`` (each check starts from an empty one)."""
    _LOG.pop(str(tag), None)


def object_id(obj: Any) -> int:
    """The worker-side identity of an object (to tell a clone from the object it came from)."""
    return id(obj)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.integer | np.floating):
        return value.item()
    return f"<{type(value).__module__}.{type(value).__qualname__}>"


def estimator_state(estimator: Any) -> dict[str, Any]:
    """``get_params(deep=False)`` (objects by type name) and the fitted attributes (``name_``)."""
    params = estimator.get_params(deep=False)
    if not isinstance(params, dict):
        raise TypeError(f"get_params returned {type(params).__name__}, not a dict")
    fitted = sorted(
        name
        for name in vars(estimator)
        if name.endswith("_") and not name.startswith("_") and not name.endswith("__")
    )
    return {"params": {str(k): _plain(v) for k, v in params.items()}, "fitted": fitted}


def clone_report(estimator: Any) -> dict[str, Any]:
    """What ``sklearn.base.clone`` makes of ``estimator`` (run in the worker); an error of the
    student's code comes back as text."""
    from sklearn.base import clone

    try:
        original = estimator_state(estimator)
        copy = clone(estimator)
        base_before = estimator.get_params(deep=False).get("base_estimator")
        base_after = copy.get_params(deep=False).get("base_estimator")
        return {
            "error": "",
            "original": original,
            "same_type": type(copy) is type(estimator),
            "state": estimator_state(copy),
            "base_copied": base_after is not base_before and type(base_after) is type(base_before),
        }
    except Exception as error:  # the student's constructor: anything may come out of it
        return {"error": f"{type(error).__name__}: {str(error)[:400]}"}


def sklearn_checks(estimator: Any, names: list[str]) -> dict[str, str]:
    """Run the named checks of ``sklearn.utils.estimator_checks`` on ``estimator``.

    Returns ``{check name: "passed" | "skipped: why" | "failed: error"}``; a check that runs more
    than once (on several data sets) fails when any run fails. The read-only memory-map variants
    are left out: they write to a temporary folder, which the worker's sandbox may not provide.
    """
    from sklearn.exceptions import SkipTestWarning
    from sklearn.utils.estimator_checks import estimator_checks_generator

    wanted = set(names)
    outcome: dict[str, str] = {}
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        try:
            generated = list(estimator_checks_generator(estimator, legacy=True, mark=None))
        except Exception as error:  # the checks are built from get_params and clone
            message = f"failed: {type(error).__name__}: {str(error)[:300]}"
            return dict.fromkeys(names, message)
        for instance, run in generated:
            name = getattr(getattr(run, "func", run), "__name__", "")
            if name not in wanted or outcome.get(name, "passed") != "passed":
                continue
            if getattr(run, "keywords", {}).get("readonly_memmap"):
                continue  # memory-mapped copies need a temporary folder the sandbox may not have
            try:
                run(instance)
            except Exception as error:
                kind = type(error).__name__
                if kind == "SkipTest" or isinstance(error, SkipTestWarning):
                    outcome[name] = f"skipped: {str(error)[:200]}"
                else:
                    outcome[name] = f"failed: {kind}: {str(error)[:300]}"
            else:
                outcome[name] = "passed"
    for name in names:
        outcome.setdefault(name, "skipped: not generated for this estimator")
    return outcome


def train_digits(
    model: nn.Module, X: Any, y: Any, epochs: int = 5, seed: int = 0, lr: float = 3e-3
) -> list[float]:
    """The judge's recipe: Adam (lr 3e-3), shuffled batches of 64, cross-entropy on the logits.

    Trains ``model`` in place and returns the mean loss of every epoch; leaves it in eval mode.
    """
    inputs = torch.tensor(np.array(X, dtype=np.float32))
    labels = torch.tensor(np.array(y, dtype=np.int64))
    order = torch.Generator().manual_seed(int(seed))
    adam = torch.optim.Adam(model.parameters(), lr=lr)
    losses: list[float] = []
    for _ in range(int(epochs)):
        model.train()
        total = 0.0
        for rows in torch.randperm(len(inputs), generator=order).split(64):
            adam.zero_grad()
            loss = nn.functional.cross_entropy(model(inputs[rows]), labels[rows])
            loss.backward()
            adam.step()
            total += float(loss.detach()) * len(rows)
        losses.append(total / len(inputs))
    model.eval()
    return losses
