"""Property generation with Hypothesis, derandomised: the same submission always sees the same
inputs, and a failure reports the smallest input Hypothesis could shrink it to."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from harness import messages
from harness.i18n import Text
from harness.kit.spec import CheckFailed, NotAssessed
from harness.remote.describe import describe
from harness.remote.errors import SubmissionProblem


def for_all(
    strategy: Any,
    prop: Callable[[Any], None],
    *,
    examples: int = 20,
    show: Callable[[Any], Text | str] | None = None,
) -> None:
    """Run ``prop`` on examples drawn from a Hypothesis ``strategy``; derandomised, so the same
    submission always sees the same inputs. On failure, Hypothesis shrinks the input and the
    smallest failing one is appended to the message."""
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings

    failures: list[tuple[Any, BaseException]] = []

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=False,
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
        phases=(Phase.explicit, Phase.generate, Phase.shrink),
        report_multiple_bugs=False,
    )
    @given(strategy)
    def run(example: Any) -> None:
        try:
            prop(example)
        except (CheckFailed, SubmissionProblem) as exc:
            failures.append((example, exc))
            raise

    try:
        run()
    except BaseException as exc:  # hypothesis re-raises the shrunk failure (possibly wrapped)
        if not failures:
            raise
        example, error = failures[-1]
        if isinstance(error, NotAssessed) or (isinstance(error, SubmissionProblem) and error.fatal):
            raise error from None
        base = error.text if isinstance(error, CheckFailed) else error.explain()
        shown = show(example) if show else describe(example)
        raise CheckFailed(
            base + messages.SMALLEST_COUNTEREXAMPLE.format(example=Text.coerce(shown))
        ) from exc
