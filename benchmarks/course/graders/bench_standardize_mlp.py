"""The 4-check assignment of the speed benchmark (issue: standardise + MLP widths)."""

import numpy as np
import torch

from harness.checks import CheckContext, check, expect, expect_close, expect_shape


@check("1", points=1, category="correctness")
def check_standardize_matches_reference(ctx: CheckContext) -> None:
    X_train, X_test = ctx.rng.normal(2.0, 3.0, size=(40, 5)), ctx.rng.normal(size=(9, 5))
    got = ctx.student.standardize_without_leakage(X_train, X_test)
    want = ctx.reference.standardize_without_leakage(X_train, X_test)
    expect_close(got[0], want[0], what="X_train_std")
    expect_close(got[1], want[1], what="X_test_std")


@check("1", points=1, category="leakage")
def check_train_output_ignores_test_set(ctx: CheckContext) -> None:
    X_train = ctx.rng.normal(size=(30, 4))
    first, _ = ctx.student.standardize_without_leakage(X_train, ctx.rng.normal(size=(5, 4)))
    second, _ = ctx.student.standardize_without_leakage(
        X_train, ctx.rng.normal(50.0, 9.0, size=(8, 4))
    )
    expect_close(second, first, what="X_train_std with another X_test")


@check("2", points=1, category="shape")
def check_mlp_widths(ctx: CheckContext) -> None:
    model = ctx.student.make_power_mlp(5, 3, 2, 3)
    widths = [
        tuple(p["shape"])
        for row in model.summary()["modules"]
        for p in row["parameters"]
        if p["name"] == "weight"
    ]
    expect(widths == [(2, 5), (4, 2), (8, 4), (3, 8)], en="widths {w}", pt="larguras {w}", w=widths)


@check("2", points=1, category="shape")
def check_mlp_output_shape(ctx: CheckContext) -> None:
    model = ctx.student.make_power_mlp(6, 2, 3, 4)
    expect_shape(
        model(torch.from_numpy(np.zeros((7, 6), dtype=np.float32))), (7, 4), what="model(x)"
    )
