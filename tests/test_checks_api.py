"""The check-writing API: declarations, failure messages, derandomised property generation."""

from __future__ import annotations

import hypothesis.strategies as st
import numpy as np
import pytest

from harness.checks import (
    CheckFailed,
    Text,
    check,
    expect_close,
    expect_equal,
    expect_shape,
    for_all,
    rubric,
)
from harness.i18n import normalize_language


def test_declarations_are_validated() -> None:
    with pytest.raises(ValueError, match="category"):
        check("1.1", 1, "vibes")
    with pytest.raises(ValueError, match="positive"):
        check("1.1", 0, "correctness")
    with pytest.raises(TypeError, match="one argument"):
        check("1.1", 1, "correctness")(lambda: None)
    with pytest.raises(ValueError):
        rubric("1.1", "essay", -1, Text.same("x"))


def test_expect_close_names_the_worst_entry_in_both_languages() -> None:
    with pytest.raises(CheckFailed) as failed:
        expect_close(np.array([1.0, 2.0, 9.0]), np.array([1.0, 2.0, 3.0]), what="W", context="f(x)")
    assert "index (2,)" in failed.value.text.en and "expected 3, got 9" in failed.value.text.en
    assert "índice (2,)" in failed.value.text.pt
    with pytest.raises(CheckFailed, match="shape"):
        expect_close(np.zeros((2, 3)), np.zeros((3, 2)))
    with pytest.raises(CheckFailed, match="nan"):
        expect_close(np.array([np.nan]), np.array([1.0]))
    with pytest.raises(CheckFailed, match="to be an array"):
        expect_close(None, np.array([1.0]))
    expect_close([1.0, 2.0], np.array([1.0, 2.0 + 1e-9]))


def test_expect_shape_and_equal() -> None:
    assert expect_shape([[1, 2]], (1, 2)).shape == (1, 2)
    with pytest.raises(CheckFailed, match=r"shape \(2,\)"):
        expect_shape(np.zeros(3), (2,))
    expect_equal([1, 2], [1, 2])
    with pytest.raises(CheckFailed):
        expect_equal(True, 1)


def test_for_all_shrinks_to_a_minimal_counterexample_and_is_derandomised() -> None:
    seen: list[list[int]] = []

    def prop(values: list[int]) -> None:
        seen.append(values)
        if sum(values) > 10:
            raise CheckFailed(Text.same("sum too large"))

    with pytest.raises(CheckFailed) as failed:
        for_all(st.lists(st.integers(0, 100)), prop, examples=50)
    assert "[11]" in failed.value.text.en  # shrunk to the smallest failing list
    first_run = list(seen)
    seen.clear()
    with pytest.raises(CheckFailed):
        for_all(st.lists(st.integers(0, 100)), prop, examples=50)
    assert seen == first_run


def test_text_formats_both_languages() -> None:
    text = Text(en="got {x}", pt="obteve {x}").format(x=Text(en="yes", pt="sim"))
    assert (text.en, text.pt) == ("got yes", "obteve sim")
    assert normalize_language("pt_br") == "pt-BR" and normalize_language("EN") == "en"
    with pytest.raises(ValueError):
        normalize_language("fr")
