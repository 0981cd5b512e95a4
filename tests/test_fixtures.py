"""Shipped fixture weights are exactly what their builders produce (deterministic training)."""

from __future__ import annotations

import numpy as np

from harness import fixtures


def test_shipped_fixtures_are_reproduced_bit_for_bit() -> None:
    assert fixtures.main(["check"]) == 0


def test_digits_split_is_fixed_and_read_only() -> None:
    first, second = fixtures.digits(), fixtures.digits()
    assert first.X_train.shape == (1257, 64) and first.X_test.shape == (540, 64)
    assert np.array_equal(first.y_test, second.y_test)
    assert not first.X_train.flags.writeable
