"""``grade new ID``: the files a new assignment needs, already wired to the kit v2.

It writes the reference (with solution markers, a statement cell and an answer slot), the grader
(header, settings, contract refinements, a public check, hidden checks with ``requires=``), and
``tests/mutants/ID/`` and ``tests/alternatives/ID/`` with a README of what they must hold; then
`grade release ID` generates what students get. The example exercise is meant to be replaced:
it shows the shape, and the new grader passes the test suite's generic tests from the first run
except for the minimum counts of mutants and alternatives, which are the author's to write.
"""

from __future__ import annotations

import re
from pathlib import Path

ASSIGNMENT_ID = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


class ScaffoldError(ValueError):
    """The id is malformed or the assignment already exists."""


REFERENCE = '''# %% [markdown]
# # PCS 5022 — {title}
#
# **PT.** Implemente as funções abaixo sem mudar seus nomes nem suas assinaturas (elas são o
# contrato com o corretor automático). Rode `grade check {id} {id}.py` para as verificações
# públicas.
#
# **EN.** Implement the functions below without changing their names or signatures (they are the
# contract with the autograder). Run `grade check {id} {id}.py` for the public checks.

# %%
from __future__ import annotations

import numpy as np

# %% [markdown]
# ## 1.1 Exemplo / Example
#
# **PT.** Escreva `centre_columns`, que subtrai de cada coluna de `X` (n x m) a sua média e devolve
# um novo array (n x m); `X` não pode ser modificado.
#
# **EN.** Write `centre_columns`, which subtracts from each column of `X` (n x m) its mean and
# returns a new array (n x m); `X` must not be modified.


# %%
def centre_columns(X: np.ndarray) -> np.ndarray:
    """Each column of ``X`` minus its mean, as a new (n, m) array."""
    # BEGIN SOLUTION
    X = np.asarray(X, dtype=float)
    return X - X.mean(axis=0)
    # END SOLUTION


# %% [markdown]
# ### Resposta / Answer: centring_discussion (1.1)
#
# *Escreva sua resposta abaixo deste título (no `.py`, em linhas de comentário `# `); não mude o título.*
#
# *Write your answer below this heading (in the `.py` file, as `# ` comment lines); keep the heading.*
'''

GRADER = '''"""Grader for {id} (PCS 5022: {title}).

Public checks (outside the HIDDEN regions) are released to students in
``assignments/{id}/public_checks.py``; hidden ones never leave the instructor's copy. Every check
names one property; invariance and side-effect checks ``requires=`` the correctness check of the
same function, so a function that computes nothing earns nothing.
"""

from __future__ import annotations

import numpy as np

from harness.checks import (
    Array,
    CheckContext,
    GraderSettings,
    Text,
    check,
    expect_close,
    refine,
    rubric,
)

SETTINGS = GraderSettings(import_timeout_s=10.0, call_timeout_s=20.0, submission_budget_s=120.0)

#: what the statement fixes beyond the reference's annotations (ranks, dict keys, figures)
CONTRACT = refine(centre_columns=Array(ndim=2))

CENTRING_DISCUSSION = rubric(
    "1.1",
    "centring_discussion",
    1,
    Text(
        en="Explain why centring must use statistics of the training set only.",
        pt="Explique por que a centragem deve usar apenas estatísticas do conjunto de treino.",
    ),
)


@check("1.1", points=1, category="correctness", hidden=False)
def check_centre_small_example(ctx: CheckContext) -> None:
    X = np.array([[1.0, 10.0], [3.0, 20.0]])
    expect_close(ctx.student.centre_columns(X), [[-1.0, -5.0], [1.0, 5.0]], what="the result")


# BEGIN HIDDEN
import hypothesis.strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from harness.checks import expect_inputs_untouched, for_all  # noqa: E402


@check("1.1", points=2, category="correctness")
def check_centre_matches_reference(ctx: CheckContext) -> None:
    """Agreement with the reference on generated shapes and values."""

    def prop(X: np.ndarray) -> None:
        got = ctx.student.centre_columns(X)
        expect_close(got, ctx.reference.centre_columns(X), what="the result", atol=1e-9)

    shapes = st.tuples(st.integers(1, 12), st.integers(1, 5))
    elements = st.integers(-50, 50).map(float)
    for_all(shapes.flatmap(lambda s: hnp.arrays(np.float64, s, elements=elements)), prop)


@check("1.1", points=1, category="side-effects", requires=check_centre_matches_reference)
def check_centre_leaves_input_untouched(ctx: CheckContext) -> None:
    expect_inputs_untouched(ctx.student.centre_columns, ctx.rng.normal(size=(6, 3)))


# END HIDDEN
'''

MUTANTS_README = """# Mutants of {id}

At least 8 realistic wrong solutions, one file each. A file holds only the function(s) the student
got wrong (the test appends it to the reference) and its docstring names the checks that must
catch it:

    targets: check_centre_matches_reference

Every named check must fail, and no check of another exercise may fail. Write them from the
statement (assignments/{id}/README.md) as a student would get it wrong: an off-by-one, the wrong
axis, statistics of the wrong set, a forgotten edge case, an input modified in place.
"""

ALTERNATIVES_README = """# Alternative solutions of {id}

At least 2 correct solutions written differently from the reference (another algorithm, a library
call, another container or dtype that the statement allows). Each must score full marks: the
checks test properties, not the reference's accidents.
"""


def new_assignment(root: Path, assignment_id: str, title: str | None = None) -> list[Path]:
    """Write the new assignment's files under the course ``root``; return them."""
    if not ASSIGNMENT_ID.match(assignment_id):
        raise ScaffoldError(
            f"{assignment_id!r} is not a valid assignment id: use lowercase letters, digits and "
            "underscores, starting with a letter (e.g. ch06_convolutions)"
        )
    title = title or assignment_id.replace("_", " ")
    files = {
        root / "reference_solutions" / f"{assignment_id}.py": REFERENCE,
        root / "graders" / f"{assignment_id}.py": GRADER,
        root / "tests" / "mutants" / assignment_id / "README.md": MUTANTS_README,
        root / "tests" / "alternatives" / assignment_id / "README.md": ALTERNATIVES_README,
    }
    existing = [path for path in files if path.exists()]
    if existing or (root / "assignments" / assignment_id).exists():
        raise ScaffoldError(
            f"{assignment_id} already exists ({', '.join(str(p) for p in existing) or 'assignments/'})"
        )
    for path, template in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(id=assignment_id, title=title), encoding="utf-8")
    return list(files)
