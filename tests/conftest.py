"""Fixtures shared by the test suite: one judge (with its reference workers) per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from harness.judge.runner import Judge
from tests.support import COURSE


@pytest.fixture(scope="session")
def judge() -> Iterator[Judge]:
    with Judge(COURSE) as shared:
        yield shared
        assert not shared.incidents, "grader errors: " + "\n".join(
            i.detail for i in shared.incidents
        )
