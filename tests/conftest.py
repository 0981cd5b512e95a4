"""Fixtures shared by the test suite: one judge (with its reference workers) per test session, and
the whole grader corpus graded once, in parallel (tests/batch.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture(scope="session")
def corpus_results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from tests.batch import grade_corpus
    from tests.test_graders import CASES

    root: Path = tmp_path_factory.mktemp("corpus")
    return grade_corpus(CASES, root)
