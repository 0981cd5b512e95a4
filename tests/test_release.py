"""`grade release`: stubs, notebooks and public checks generated from markers, never stale."""

from __future__ import annotations

import ast
import importlib.util
import sys

import nbformat
import pytest

from harness.checks import CheckSpec
from harness.release import (
    MarkerError,
    make_notebook,
    make_public_checks,
    make_readme,
    make_stub,
    split_cells,
    stale_files,
)
from tests.support import COURSE, REPO, assignments


def test_committed_released_files_are_up_to_date() -> None:
    stale = stale_files(COURSE)
    assert not stale, (
        f"run `grade release`: stale files {[str(p.relative_to(REPO)) for p in stale]}"
    )


@pytest.mark.parametrize("assignment", assignments())
def test_stub_defines_every_function_and_implements_none(assignment: str) -> None:
    stub = (REPO / "assignments" / assignment / f"{assignment}.py").read_text()
    reference = (REPO / "reference_solutions" / f"{assignment}.py").read_text()
    assert "BEGIN SOLUTION" not in stub and "END SOLUTION" not in stub

    def public(text: str) -> set[str]:
        tree = ast.parse(text).body
        return {
            n.name
            for n in tree
            if isinstance(n, ast.FunctionDef | ast.ClassDef) and not n.name.startswith("_")
        }

    assert public(stub) == public(reference)
    assert stub.count("raise NotImplementedError") == reference.count("# BEGIN SOLUTION")


@pytest.mark.parametrize("assignment", assignments())
def test_notebook_holds_the_stub_code(assignment: str) -> None:
    folder = REPO / "assignments" / assignment
    nb = nbformat.read(folder / f"{assignment}.ipynb", as_version=4)
    nbformat.validate(nb)
    first, *rest = [c.source for c in nb.cells if c.cell_type == "code"]
    stub = folder.joinpath(f"{assignment}.py").read_text()
    expected = "\n".join(c.text for c in split_cells(stub) if c.kind == "code")
    assert "\n".join(rest) == expected
    # the first code cell is the one line that runs the public checks from the notebook
    assert first.splitlines()[-1] == "from harness.student import check"
    assert 'check("' in first
    assert any(c.cell_type == "markdown" for c in nb.cells)


@pytest.mark.parametrize("assignment", assignments())
def test_public_checks_hold_no_hidden_check(assignment: str) -> None:
    path = REPO / "assignments" / assignment / "public_checks.py"
    spec = importlib.util.spec_from_file_location(f"released_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    released = {v.name for v in vars(module).values() if isinstance(v, CheckSpec)}
    assert all(not v.hidden for v in vars(module).values() if isinstance(v, CheckSpec))
    grader = importlib.util.spec_from_file_location(
        f"full_{assignment}", REPO / "graders" / f"{assignment}.py"
    )
    full = importlib.util.module_from_spec(grader)
    sys.modules[grader.name] = full
    grader.loader.exec_module(full)
    checks = [v for v in vars(full).values() if isinstance(v, CheckSpec)]
    assert released == {c.name for c in checks if not c.hidden}
    text = path.read_text()
    for hidden in (c for c in checks if c.hidden):
        assert hidden.name not in text


def test_marker_errors_name_the_line() -> None:
    with pytest.raises(MarkerError, match=":3: END SOLUTION without"):
        make_stub("def f():\n    return 1\n    # END SOLUTION\n")
    with pytest.raises(MarkerError, match=":2: BEGIN SOLUTION is never closed"):
        make_stub("def f():\n    # BEGIN SOLUTION\n    return 1\n")
    with pytest.raises(MarkerError, match="inside an open"):
        make_public_checks("# BEGIN HIDDEN\n# BEGIN HIDDEN\n", "x")


def test_solution_blocks_become_not_implemented_at_their_indentation() -> None:
    stub = make_stub(
        "def f(x):\n    '''Doc.'''\n    # BEGIN SOLUTION\n    y = x + 1\n    return y\n    # END SOLUTION\n\n# BEGIN REMOVE\ndef helper():\n    pass\n# END REMOVE\n"
    )
    assert "y = x + 1" not in stub and "helper" not in stub
    assert "    raise NotImplementedError(" in stub


def test_answer_slots_become_tagged_notebook_cells_and_a_readme_section() -> None:
    """A written part's slot: heading kept, model answer (REMOVE) gone, cell tagged, documented."""
    reference = (
        "# %% [markdown]\n# # Title\n\n# %%\ndef f():\n    # BEGIN SOLUTION\n    return 1\n"
        "    # END SOLUTION\n\n\n# %% [markdown]\n# ### Resposta / Answer: essay (1.2)\n#\n"
        "# BEGIN REMOVE\n# The model answer.\n# END REMOVE\n"
    )
    stub = make_stub(reference)
    assert "### Resposta / Answer: essay (1.2)" in stub and "model answer" not in stub
    notebook = nbformat.reads(make_notebook(stub, "x"), as_version=4)
    tags = [c.metadata.get("pcs5022") for c in notebook.cells]
    assert tags == [None, None, None, {"answer": "essay"}]  # title, check line, code, slot
    readme = make_readme(reference, "x")
    assert "## Respostas escritas / Written answers" in readme
    assert "- `### Resposta / Answer: essay (1.2)`" in readme and "model answer" not in readme
    assert "Respostas escritas" not in make_readme("def f():\n    return 1\n", "y")
