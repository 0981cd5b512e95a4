"""The kit v2: contracts read from signatures, return values validated before checks see them,
requirements that stop vacuous points, generic properties and the import layering."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
import torch

from harness.checks import (
    FIGURE,
    Array,
    CheckFailed,
    ContractViolation,
    Keys,
    NotAssessed,
    Partial,
    accuracy_partial,
    assess_only_if,
    check,
    first_difference,
    refine,
)
from harness.course import CourseError
from harness.judge.grader import collect
from harness.kit.contract import read_contract, return_checker
from harness.remote.describe import Handle

REPO = Path(__file__).resolve().parent.parent

SOURCE = """
import numpy as np
import torch
from torch import nn
from typing import Any, Callable


class Net(nn.Module):
    def forward(self, x): return x


class Scheduler:
    pass


def pair(X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...
def stats(X: np.ndarray) -> dict[str, np.ndarray]: ...
def count(model: nn.Module) -> int: ...
def score(x) -> float: ...
def maybe(x) -> int | None: ...
def widths(n: int) -> list[int]: ...
def model() -> nn.Linear: ...
def fit(results) -> Callable[[dict[str, Any]], float]: ...
def free(x): ...
def loss(x) -> "torch.Tensor": ...
def _private() -> int: ...
"""


class FakeHandle(Handle):
    """Stands for a worker object in these unit tests (the codec's handles have a kind)."""

    def __init__(self, kind: str, classes: tuple[str, ...] = ()) -> None:
        self.kind = kind
        self.type_name = f"fake.{kind}"
        self.classes = classes

    def isinstance_of(self, cls: str) -> bool:
        return cls.split(":")[-1] in self.classes


def _checker(**refinements: object):
    contract = read_contract(SOURCE).refined(refine(**refinements))
    check_return = return_checker(contract)
    return lambda name, value: check_return(name, f"`{name}(...)`", value)


def test_contract_is_read_from_public_signatures() -> None:
    contract = read_contract(SOURCE)
    assert contract.names == (
        "Net",
        "Scheduler",
        "pair",
        "stats",
        "count",
        "score",
        "maybe",
        "widths",
        "model",
        "fit",
        "free",
        "loss",
    )
    assert "_private" not in contract.returns
    assert contract.get("pair").written == "tuple[np.ndarray, np.ndarray]"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("pair", None),
        ("pair", "a string"),
        ("pair", (np.zeros(2),)),
        ("pair", (np.zeros(2), None)),
        ("pair", (np.zeros(2), np.array(["a", "b"]))),
        ("stats", {"a": FakeHandle("object")}),
        ("stats", [1, 2]),
        ("count", 2.5),
        ("count", True),
        ("count", "3"),
        ("score", "0.5"),
        ("score", np.zeros(3)),
        ("score", FakeHandle("object")),
        ("maybe", 1.5),
        ("widths", np.zeros((2, 2))),
        ("widths", ["a"]),
        ("model", FakeHandle("object")),
        ("model", np.zeros(3)),
        ("fit", 3.0),
        ("Net", FakeHandle("callable")),
        ("loss", [1, None]),
    ],
)
def test_values_outside_the_contract_fail_the_check_plainly(name: str, value: object) -> None:
    validate = _checker()
    with pytest.raises(ContractViolation) as failed:
        validate(name, value)
    text = failed.value.text
    assert f"`{name}(...)` returned" in text.en and "the contract says" in text.en
    assert "o contrato exige" in text.pt


def test_values_inside_the_contract_are_normalised() -> None:
    validate = _checker()
    pair = validate("pair", [np.zeros((2, 2)), torch.zeros(3)])
    assert isinstance(pair, tuple) and pair[0].shape == (2, 2)
    assert validate("count", np.int64(4)) == 4 and type(validate("count", 4.0)) is int
    assert type(validate("score", np.float32(0.5))) is float
    assert validate("score", torch.tensor(0.25)) == 0.25
    assert validate("score", float("nan")) != validate("score", float("nan"))  # NaN is admitted
    assert validate("maybe", None) is None and validate("maybe", 3) == 3
    assert validate("widths", np.array([3, 4])) == [3, 4]
    handle = FakeHandle("module")
    assert validate("model", handle) is handle
    net = FakeHandle("module", classes=("Net",))
    assert validate("Net", net) is net
    assert validate("fit", FakeHandle("callable")).kind == "callable"
    assert validate("free", object) is object  # no annotation: anything
    assert validate("Scheduler", FakeHandle("object", classes=("Scheduler",))).kind == "object"
    with pytest.raises(ContractViolation, match="an instance of Scheduler"):
        validate("Scheduler", FakeHandle("object", classes=("Other",)))


def test_refinements_fix_keys_ranks_and_figures() -> None:
    validate = _checker(
        stats=Keys(mean=Array(ndim=1), means=Array(shape=(None, 2))),
        free=FIGURE,
        pair=Array(ndim=2, integer=True),
    )
    good = {"mean": np.zeros(3), "means": np.zeros((4, 2)), "extra": 1}
    assert validate("stats", good)["extra"] == 1
    for bad in (
        {"mean": np.zeros(3)},
        {"mean": np.zeros((3, 1)), "means": np.zeros((4, 2))},
        {"mean": np.zeros(3), "means": np.zeros((4, 3))},
    ):
        with pytest.raises(ContractViolation):
            validate("stats", bad)
    with pytest.raises(ContractViolation, match="matplotlib Figure"):
        validate("free", FakeHandle("object"))
    assert validate("pair", np.array([[1.0, 2.0]])).shape == (1, 2)
    with pytest.raises(ContractViolation, match="non-integer"):
        validate("pair", np.array([[1.5]]))
    with pytest.raises(TypeError):
        refine(stats="not a type")


def test_requirements_must_be_declared_before_and_public_cannot_need_hidden() -> None:
    first = check("1.1", 1, "correctness")(lambda ctx: None)
    with pytest.raises(ValueError, match="public check cannot require"):
        check("1.1", 1, "correctness", hidden=False, requires=first)

    def module_with(*specs: object) -> object:
        return type("M", (), {f"c{i}": s for i, s in enumerate(specs)})

    def named(name: str, **kw: object):
        def function(ctx: object) -> None:
            return None

        function.__name__ = name
        return check("1.1", 1, "correctness", **kw)(function)

    a = named("check_a")
    b = named("check_b", requires=a)
    collect(module_with(a, b), "x", "f")  # declared in order: fine
    with pytest.raises(CourseError, match="requires check_a"):
        collect(module_with(b), "x", "f")


def test_not_assessed_and_partial_helpers() -> None:
    with pytest.raises(NotAssessed) as stopped:
        assess_only_if(False, en="the output is constant", pt="a saída é constante")
    assert stopped.value.text.en.startswith("Not assessed: the output is constant")
    assert isinstance(stopped.value, CheckFailed)
    assert accuracy_partial(0.95, full=0.9, zero=0.5, what="accuracy", context=None) is None
    partial = accuracy_partial(0.7, full=0.9, zero=0.5, what="accuracy", context=None)
    assert isinstance(partial, Partial) and partial.fraction == pytest.approx(0.5)
    with pytest.raises(CheckFailed, match=r"none at 0\.500"):
        accuracy_partial(0.4, full=0.9, zero=0.5, what="accuracy", context=None)


def test_first_difference_compares_exactly() -> None:
    assert first_difference({"a": np.array([1.0, np.nan])}, {"a": np.array([1.0, np.nan])}) is None
    assert first_difference((1, [2, 3]), (1, [2, 4])) == "[1][1]"
    assert first_difference(np.zeros(2), np.zeros(2, dtype=np.float32)) == "the value"
    assert first_difference(torch.ones(2), torch.ones(2)) is None
    assert first_difference(1, 1.0) == "the value"


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("harness")}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_import_layering_has_no_circle_and_no_upward_import() -> None:
    """remote/ < kit/ < judge/: nothing below the judge imports it, and no module imports one
    that (directly or not) imports it back."""
    modules = {_module_name(p): _imports(p) for p in (REPO / "harness").rglob("*.py")}
    for name, imports in modules.items():
        if name.startswith(("harness.remote", "harness.kit", "harness.checks", "harness.notebook")):
            upward = {i for i in imports if i.startswith("harness.judge")}
            assert not upward, f"{name} imports the judge: {upward}"
        if name.startswith("harness.remote"):
            assert not {i for i in imports if i.startswith(("harness.kit", "harness.checks"))}

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        stack = [i for i in modules.get(start, ()) if i in modules]
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(i for i in modules[current] if i in modules)
        return seen

    circles = sorted(name for name in modules if name in reach(name) and "judge" in name)
    assert not circles, f"import circles through {circles}"


@pytest.mark.slow
def test_a_check_not_assessed_earns_nothing_but_still_says_what_it_found(judge) -> None:
    from harness.judge.runner import grade_source_text
    from tests.support import reference_text

    leaky = reference_text("ch01_fundamentals") + (
        "\n\ndef standardize_without_leakage(X_train, X_test):\n"
        "    X = np.concatenate([X_train, X_test])\n"
        "    scale = np.where(X.std(axis=0) > 0, X.std(axis=0), 1.0)\n"
        "    return (X_train - X.mean(axis=0)) / scale, (X_test - X.mean(axis=0)) / scale\n"
    )
    result = grade_source_text(judge, "ch01_fundamentals", leaky)
    checks = {c.name: c for c in result.checks}
    assert not checks["check_standardize_matches_reference"].passed
    leak = checks["check_train_output_ignores_test_set"]
    assert leak.points == 0 and not leak.passed
    assert leak.messages.en.startswith("Not assessed: ")
    assert "check_standardize_matches_reference" in leak.messages.en
    assert "What this check found" in leak.messages.en and "leaked" in leak.messages.en
    assert "O que esta verificação encontrou" in leak.messages.pt_BR


def test_messages_keep_braces_of_the_call_they_name() -> None:
    from harness.checks import expect_indices, expect_keys

    call = "`f({'same': tensor([1.0])})`"
    with pytest.raises(CheckFailed) as failed:
        expect_keys({"a": 1}, ["b"], context=call)
    assert failed.value.text.en.startswith(call + ": ")
    with pytest.raises(CheckFailed) as failed:
        expect_indices(np.array([0, 0]), n=5, k=2, context=call)
    assert call in failed.value.text.pt and "distintos" in failed.value.text.pt


def test_load_returned_weights_fills_the_judges_copy_or_says_what_differs() -> None:
    import torch
    from torch import nn

    from harness.checks import CheckFailed, load_returned_weights

    class Returned:  # stands for a handle: state_dict() comes back as plain tensors
        def __init__(self, state: dict) -> None:
            self.state = state

        def state_dict(self) -> dict:
            return self.state

    torch.manual_seed(0)
    trained = nn.Linear(3, 2)
    copy = load_returned_weights(Returned(trained.state_dict()), nn.Linear(3, 2), call="`f()`")
    assert torch.equal(copy.weight, trained.weight) and torch.equal(copy.bias, trained.bias)
    with pytest.raises(CheckFailed, match=r"holds the tensors \['bias', 'weight'\]"):
        load_returned_weights(Returned({"weight": trained.weight}), nn.Linear(3, 2), call="`f()`")
    with pytest.raises(CheckFailed, match="does not fit"):
        wrong = nn.Linear(4, 2).state_dict()
        load_returned_weights(Returned(wrong), nn.Linear(3, 2), call="`f()`")
