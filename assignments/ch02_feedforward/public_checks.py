# Public checks for ch02_feedforward, released by `grade release` (do not edit).
# Run them with:  grade check ch02_feedforward ch02_feedforward.py
"""Grader for ch02_feedforward (PCS 5022, chapter 2: feedforward networks).

Models come back from the worker as handles; the checks look at their structure (summary and a
traced forward pass) and measure their behaviour on data the judge chooses.
"""

from __future__ import annotations

import numpy as np
import torch

from harness.checks import (
    MODULE,
    Array,
    CheckContext,
    GraderSettings,
    Text,
    Tuple,
    assess_only_if,
    check,
    expect_close,
    expect_shape,
    refine,
    rubric,
)

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=60.0, submission_budget_s=300.0)

# every check calls memorize_random_labels on X of N_SAMPLES rows: one integer label per row
N_SAMPLES, N_FEATURES, N_CLASSES = 240, 12, 4
CONTRACT = refine(
    memorize_random_labels=Tuple((MODULE, Array(shape=(N_SAMPLES,), integer=True))),
)

MEMORIZATION_DISCUSSION = rubric(
    "2.3",
    "memorization_discussion",
    2,
    Text(
        en="Is fitting random labels a good or a bad property of over-parameterised models? Relate it to generalisation.",
        pt="Ajustar rótulos aleatórios é uma propriedade boa ou ruim dos modelos superparametrizados? Relacione com generalização.",
    ),
)


@check("2.1", points=1, category="shape", hidden=False)
def check_power_mlp_output_shape_public(ctx: CheckContext) -> None:
    model = ctx.student.make_power_mlp(4, 2, 3, 5)
    call = ctx.student.last_call
    x = torch.randn(7, 4, generator=ctx.torch_generator())
    out = expect_shape(model(x), (7, 5), what="model(x) for x of shape (7, 4)", context=call)
    assess_only_if(
        bool(np.ptp(out, axis=0).max() > 0),
        en="{call}: model(x) is the same for every row of x, or not finite; the model computes nothing from its input.",
        pt="{call}: model(x) é igual para toda linha de x, ou não é finito; o modelo não calcula nada a partir da entrada.",
        call=call,
    )


@check("2.2", points=1, category="correctness", hidden=False)
def check_pca_to_linear_public(ctx: CheckContext) -> None:
    from sklearn.decomposition import PCA

    X = np.random.default_rng(0).normal(size=(40, 5)) + 3.0
    pca = PCA(n_components=2).fit(X)
    layer = ctx.student.pca_to_linear(pca)
    expect_close(
        layer(torch.as_tensor(X, dtype=torch.float32)),
        pca.transform(X),
        what="layer(X)",
        context="pca_to_linear(PCA(n_components=2).fit(X))",
        rtol=1e-4,
        atol=1e-4,
    )
