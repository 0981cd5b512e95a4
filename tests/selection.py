"""Which exercises a mutant can change, read statically from the sources (nothing is run).

A mutant is the reference with a few definitions appended. A check's outcome can only change if
the check reaches, directly or through the submission's own code, a name the mutant rebinds. The
grader tests therefore grade a mutant on the exercises whose checks can reach one of those names
and take the reference's results for the others, which keeps `make test` within its budget as the
course grows. The analysis over-approximates: every identifier, attribute name and string constant
in a check (and in the grader functions and probe modules it uses) counts as a use, and every
name a rebound name reaches inside the submission counts as rebound. ``PCS_TEST_FULL=1`` grades
every mutant on every exercise instead.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from tests.support import REPO, reference_text


def _tokens(node: ast.AST) -> set[str]:
    """Every identifier, attribute name and identifier-like string constant under ``node``."""
    found: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, ast.Attribute):
            found.add(child.attr)
        elif isinstance(child, ast.Constant) and isinstance(child.value, str):
            if child.value.isidentifier():
                found.add(child.value)
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            found.add(child.name)
    return found


def _bound_names(statement: ast.stmt) -> set[str]:
    if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {statement.name}
    if isinstance(statement, ast.Import | ast.ImportFrom):
        return {(alias.asname or alias.name).split(".")[0] for alias in statement.names}
    targets: list[ast.AST] = []
    if isinstance(statement, ast.Assign):
        targets = list(statement.targets)
    elif isinstance(statement, ast.AnnAssign | ast.AugAssign):
        targets = [statement.target]
    elif isinstance(statement, ast.For | ast.With | ast.AsyncFor | ast.AsyncWith):
        return {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def _imports(tree: ast.Module) -> dict[str, str]:
    """Name bound by a top-level import -> what it imports."""
    bound: dict[str, str] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                bound[(alias.asname or alias.name).split(".")[0]] = f"import {alias.name}"
        elif isinstance(statement, ast.ImportFrom):
            for alias in statement.names:
                bound[alias.asname or alias.name] = f"from {statement.module} import {alias.name}"
    return bound


def _uses(tree: ast.Module) -> dict[str, set[str]]:
    """Top-level name -> the tokens of the statements that bind it."""
    uses: dict[str, set[str]] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Import | ast.ImportFrom):
            continue
        for name in _bound_names(statement):
            uses.setdefault(name, set()).update(_tokens(statement))
    return uses


def rebound_names(reference: str, override: str) -> set[str]:
    """The names whose meaning can differ in the reference + override module: those the override
    binds (an import identical to the reference's does not count) and those reaching them."""
    reference_tree, override_tree = ast.parse(reference), ast.parse(override)
    same_imports = _imports(reference_tree).items() & _imports(override_tree).items()
    changed = {name for statement in override_tree.body for name in _bound_names(statement)} - {
        name for name, _ in same_imports
    }
    uses = _uses(reference_tree)
    uses.update(_uses(override_tree))
    while True:
        reached = {name for name, tokens in uses.items() if tokens & changed} - changed
        if not reached:
            return changed
        changed |= reached


@cache
def _grader_tree(assignment: str) -> ast.Module:
    return ast.parse((REPO / "graders" / f"{assignment}.py").read_text(encoding="utf-8"))


def _check_exercise(function: ast.FunctionDef) -> str | None:
    for decorator in function.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Name)
            and decorator.func.id == "check"
            and decorator.args
            and isinstance(decorator.args[0], ast.Constant)
        ):
            return str(decorator.args[0].value)
    return None


@cache
def _probe_tokens(assignment: str) -> frozenset[str]:
    path = REPO / "harness" / "probes" / f"{assignment}.py"
    if not path.exists():
        return frozenset()
    return frozenset(_tokens(ast.parse(path.read_text(encoding="utf-8"))))


@cache
def check_tokens(assignment: str) -> dict[str, frozenset[str]]:
    """Check -> every token it can reach in the grader (helpers and probes included)."""
    tree = _grader_tree(assignment)
    functions = {
        node.name: node
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    constants = {
        name: _tokens(node)
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for name in _bound_names(node)
    }

    def reach(start: Iterable[str]) -> set[str]:
        seen: set[str] = set()
        tokens: set[str] = set()
        pending = list(start)
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            found = _tokens(functions[name]) if name in functions else constants.get(name, set())
            tokens |= found
            pending += [t for t in found if (t in functions or t in constants) and t not in seen]
        if "probes" in tokens:
            tokens |= _probe_tokens(assignment)
        return tokens

    return {
        name: frozenset(reach([name]))
        for name, node in functions.items()
        if isinstance(node, ast.FunctionDef) and _check_exercise(node) is not None
    }


@cache
def exercise_tokens(assignment: str) -> dict[str, frozenset[str]]:
    """Exercise -> every token its checks can reach in the grader (helpers and probes included)."""
    owners = check_exercises(assignment)
    by_exercise: dict[str, set[str]] = {}
    for name, tokens in check_tokens(assignment).items():
        by_exercise.setdefault(owners[name], set()).update(tokens)
    return {exercise: frozenset(tokens) for exercise, tokens in by_exercise.items()}


@cache
def check_requires(assignment: str) -> dict[str, frozenset[str]]:
    """Check -> the checks named in its decorator's ``requires=``."""
    found: dict[str, frozenset[str]] = {}
    for node in _grader_tree(assignment).body:
        if not isinstance(node, ast.FunctionDef) or _check_exercise(node) is None:
            continue
        names: set[str] = set()
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call):
                for keyword in decorator.keywords:
                    if keyword.arg == "requires":
                        names |= {n.id for n in ast.walk(keyword.value) if isinstance(n, ast.Name)}
        found[node.name] = frozenset(names)
    return found


def check_exercises(assignment: str) -> dict[str, str]:
    """Check name -> its exercise, read from the grader's decorators."""
    return {
        node.name: exercise
        for node in _grader_tree(assignment).body
        if isinstance(node, ast.FunctionDef) and (exercise := _check_exercise(node)) is not None
    }


def exercises_to_grade(assignment: str, override: str, targets: Iterable[str]) -> frozenset[str]:
    """The exercises a mutant can change, and those its targets belong to."""
    changed = rebound_names(reference_text(assignment), override)
    reached = {ex for ex, tokens in exercise_tokens(assignment).items() if tokens & changed}
    owners = check_exercises(assignment)
    return frozenset(reached | {owners[t] for t in targets if t in owners})


def override_source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def checks_to_grade(assignment: str, override: str, targets: Iterable[str]) -> frozenset[str]:
    """The checks whose outcome the mutant tests read and the mutant can change.

    The test asserts that the targets fail and that no check of another exercise fails. So: the
    targets, every check outside the targets' exercises that can reach a rebound name, and the
    ``requires=`` ancestors of those that can reach one too. Every other check has the
    reference's outcome (it passes), and the judge counts an unselected check as passed for
    ``requires=``, just as the reference's passing check would be."""
    changed = rebound_names(reference_text(assignment), override)
    tokens = check_tokens(assignment)
    owners = check_exercises(assignment)
    requires = check_requires(assignment)
    reached = {name for name, used in tokens.items() if used & changed}
    targeted = {owners[t] for t in targets if t in owners}
    chosen = {name for name in reached if owners[name] not in targeted} | set(targets)
    pending = list(chosen)
    while pending:
        for ancestor in requires.get(pending.pop(), frozenset()):
            if ancestor in reached and ancestor not in chosen:
                chosen.add(ancestor)
                pending.append(ancestor)
    return frozenset(chosen)
