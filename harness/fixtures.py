"""Deterministic data and trained models that graders need (judge side, nothing secret).

* :func:`digits` — sklearn's 8x8 digits, scaled to [0, 1], split with a fixed seed.
* :func:`train_classifier` — one fixed, seeded, single-threaded training recipe (bit-reproducible
  on CPU), so a fixture model is the same on every machine.
* :func:`load_or_build` — a state_dict shipped as ``graders/fixtures/NAME.safetensors`` (small,
  committed); rebuilt by its builder when missing. ``python -m harness.fixtures regenerate`` (or
  ``check``) rebuilds every registered fixture and compares it bit for bit with the shipped file.

Fixture models must be made of torch's built-in modules only (``nn.Sequential`` of ``nn.Linear``,
``nn.BatchNorm1d``, ``nn.ReLU``...), so that the judge can send them to a worker by pickling without
any project class being importable there.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import torch
from torch import nn

FIXTURE_DIR = Path(__file__).resolve().parent.parent / "graders" / "fixtures"

#: name -> builder returning a state_dict; graders register their fixtures with :func:`fixture`.
REGISTRY: dict[str, Callable[[], dict[str, torch.Tensor]]] = {}


@dataclass(frozen=True)
class DigitsSplit:
    X_train: np.ndarray
    X_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray


@cache
def digits(seed: int = 0, test_size: float = 0.3) -> DigitsSplit:
    """Digits (1797 x 64, float32 in [0, 1]) split by a stratified, seeded shuffle."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    X = (data.data / 16.0).astype(np.float32)
    y = data.target.astype(np.int64)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=seed, stratify=y
    )
    for array in (X_train, X_test, y_train, y_test):
        array.setflags(write=False)
    return DigitsSplit(X_train, X_test, y_train, y_test)


def train_classifier(
    model: nn.Module,
    X: np.ndarray,
    y: np.ndarray,
    *,
    epochs: int = 20,
    lr: float = 1e-2,
    batch_size: int = 64,
    seed: int = 0,
    weight_decay: float = 0.0,
) -> nn.Module:
    """Seeded mini-batch Adam on cross-entropy, one thread: the same weights on every CPU."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        generator = torch.Generator().manual_seed(seed)
        inputs = torch.tensor(np.asarray(X), dtype=torch.float32)  # a copy: inputs may be read-only
        targets = torch.tensor(np.asarray(y), dtype=torch.int64)
        trainable = [p for p in model.parameters() if p.requires_grad]
        optimizer = torch.optim.Adam(trainable, lr=lr, weight_decay=weight_decay)
        model.train()
        for _ in range(epochs):
            order = torch.randperm(len(inputs), generator=generator)
            for batch in order.split(batch_size):
                optimizer.zero_grad()
                nn.functional.cross_entropy(model(inputs[batch]), targets[batch]).backward()
                optimizer.step()
        model.eval()
    finally:
        torch.set_num_threads(threads)
    return model


@torch.no_grad()
def accuracy(model: nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    """Accuracy measured in the judge's process on a judge-owned model (eval mode)."""
    was_training = model.training
    model.eval()
    logits = model(torch.tensor(np.asarray(X), dtype=torch.float32))
    model.train(was_training)
    return float((logits.argmax(dim=1).numpy() == np.asarray(y)).mean())


def fixture(
    name: str,
) -> Callable[[Callable[[], dict[str, torch.Tensor]]], Callable[[], dict[str, torch.Tensor]]]:
    """Register a builder of a shipped state_dict: ``@fixture("ch04_digits_mlp_trained")``."""

    def register(
        builder: Callable[[], dict[str, torch.Tensor]],
    ) -> Callable[[], dict[str, torch.Tensor]]:
        REGISTRY[name] = builder
        return builder

    return register


def fixture_path(name: str) -> Path:
    return FIXTURE_DIR / f"{name}.safetensors"


_loaded: dict[str, dict[str, torch.Tensor]] = {}


def load_or_build(name: str) -> dict[str, torch.Tensor]:
    """The shipped state_dict (copied, so callers may modify it), building it if absent."""
    from safetensors.torch import load_file, save_file

    if name not in _loaded:
        path = fixture_path(name)
        if path.exists():
            _loaded[name] = load_file(str(path))
        else:
            if name not in REGISTRY:
                raise KeyError(f"no fixture named {name!r} (registered: {sorted(REGISTRY)})")
            state = {k: v.detach().clone().contiguous() for k, v in REGISTRY[name]().items()}
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                save_file(state, str(path))
            except OSError:
                pass  # read-only checkout: keep it in memory
            _loaded[name] = state
    return {k: v.clone() for k, v in _loaded[name].items()}


def _import_graders() -> None:
    """Graders register their fixtures when imported."""
    import importlib.util

    for path in sorted((FIXTURE_DIR.parent).glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"pcs_graders.{path.stem}", path)
        if spec and spec.loader:
            module = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = module
            spec.loader.exec_module(module)


def main(argv: list[str] | None = None) -> int:
    from safetensors.torch import load_file, save_file

    # run as `python -m harness.fixtures`, this module is __main__: graders register their
    # fixtures in the importable harness.fixtures, so read the registry from there
    from harness import fixtures as canonical

    parser = argparse.ArgumentParser(description="Rebuild or verify the shipped grader fixtures.")
    parser.add_argument("action", choices=["regenerate", "check"])
    parser.add_argument("names", nargs="*")
    args = parser.parse_args(argv)
    canonical._import_graders()
    status = 0
    for name in args.names or sorted(canonical.REGISTRY):
        if name not in canonical.REGISTRY:
            print(
                f"no fixture named {name!r} (registered: {sorted(canonical.REGISTRY)})",
                file=sys.stderr,
            )
            return 2
        state = {k: v.detach().clone().contiguous() for k, v in canonical.REGISTRY[name]().items()}
        path = canonical.fixture_path(name)
        if args.action == "regenerate":
            path.parent.mkdir(parents=True, exist_ok=True)
            save_file(state, str(path))
            print(f"wrote {path}")
            continue
        shipped = load_file(str(path)) if path.exists() else {}
        same = shipped.keys() == state.keys() and all(
            torch.equal(shipped[k], state[k]) for k in state
        )
        print(f"{'ok' if same else 'DIFFERENT'}: {name}")
        status |= 0 if same else 1
    return status


if __name__ == "__main__":
    sys.exit(main())
