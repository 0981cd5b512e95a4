"""Grader of the budget test course: a generous fixed call timeout, so that only a budget derived
from the reference's time can stop a loop early."""

from harness.checks import CheckContext, GraderSettings, check, expect_close

SETTINGS = GraderSettings(call_timeout_s=30.0, submission_budget_s=120.0)


@check("1", points=1, category="correctness")
def check_slow_total(ctx: CheckContext) -> None:
    values = ctx.rng.normal(size=8)
    expect_close(ctx.student.slow_total(values), float(values.sum()), what="slow_total(values)")


@check("1", points=1, category="correctness")
def check_quick_double(ctx: CheckContext) -> None:
    expect_close(ctx.student.quick_double(3.0), 6.0, what="quick_double(3.0)")
