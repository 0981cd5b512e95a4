"""Grader of the attack target: short budgets, one point per check."""

import numpy as np

from harness.checks import CheckContext, GraderSettings, check, expect, expect_close

SETTINGS = GraderSettings(
    import_timeout_s=4.0, call_timeout_s=2.0, submission_budget_s=10.0, memory_mb=1024
)


@check("1", points=1, category="correctness", hidden=False)
def check_add(ctx: CheckContext) -> None:
    for a, b in ((2.0, 3.0), (-1.5, 0.25)):
        expect_close(ctx.student.add(a, b), a + b, what="add(a, b)")


@check("1", points=1, category="correctness")
def check_column_means(ctx: CheckContext) -> None:
    X = ctx.rng.normal(size=(5, 3))
    expect_close(ctx.student.column_means(X), ctx.reference.column_means(X), what="column_means(X)")


@check("2", points=1, category="correctness")
def check_secret(ctx: CheckContext) -> None:
    got = ctx.student.secret()
    expect(
        isinstance(got, str) and got == ctx.reference.secret(),
        en="secret() is not the reference's secret",
        pt="secret() não é o segredo da referência",
    )


@check("2", points=1, category="correctness")
def check_identity_matrix(ctx: CheckContext) -> None:
    got = ctx.student.identity_matrix(4)
    expect(
        isinstance(got, np.ndarray)
        and got.shape == (4, 4)
        and bool(np.array_equal(got, np.eye(4))),
        en="identity_matrix(4) is not the 4x4 identity",
        pt="identity_matrix(4) não é a identidade 4x4",
    )
