"""Loading a grader module (trusted code, imported by the judge) and fingerprinting it."""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from harness.course import Assignment, CourseError
from harness.kit.contract import Contract, contract_for
from harness.kit.spec import CheckSpec, GraderSettings, RubricSpec
from harness.version import HARNESS_VERSION


@dataclass
class Grader:
    assignment: str
    checks: list[CheckSpec]
    rubric: list[RubricSpec]
    settings: GraderSettings
    fingerprint: str
    module: ModuleType | None = field(default=None, repr=False)
    contract: Contract = field(default_factory=Contract)

    @property
    def public_checks(self) -> list[CheckSpec]:
        return [c for c in self.checks if not c.hidden]

    @property
    def max_score(self) -> float:
        return sum(c.points for c in self.checks)


def _import_path(path: Path, module_name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise CourseError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception:
        sys.modules.pop(module_name, None)
        raise
    return module


def collect(
    module: ModuleType, assignment: str, fingerprint: str, contract: Contract | None = None
) -> Grader:
    checks = [v for v in vars(module).values() if isinstance(v, CheckSpec)]
    items = [v for v in vars(module).values() if isinstance(v, RubricSpec)]
    settings = next(
        (v for v in vars(module).values() if isinstance(v, GraderSettings)), GraderSettings()
    )
    names = [c.name for c in checks]
    duplicates = {n for n in names if names.count(n) > 1}
    if duplicates:
        raise CourseError(f"grader {assignment} defines checks twice: {sorted(duplicates)}")
    if not checks:
        raise CourseError(f"grader {assignment} defines no checks")
    _validate_requirements(assignment, checks)
    return Grader(assignment, checks, items, settings, fingerprint, module, contract or Contract())


def _validate_requirements(assignment: str, checks: list[CheckSpec]) -> None:
    """A check may require only checks declared before it (they run first), never itself."""
    seen: set[str] = set()
    for spec in checks:
        for name in spec.requires:
            if name not in seen:
                raise CourseError(
                    f"grader {assignment}: {spec.name} requires {name}, which is not a check "
                    "declared before it"
                )
        seen.add(spec.name)


def fingerprint(*paths: Path) -> str:
    """Hash of the grader, the reference and the harness version: what a grade depends on."""
    digest = hashlib.sha256(HARNESS_VERSION.encode())
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def load_grader(assignment: Assignment, *, public_only: bool = False) -> Grader:
    """The full grader (instructor), or the released public checks where there is no grader."""
    if assignment.grader_path.exists():
        path = assignment.grader_path
    elif assignment.public_checks_path.exists():
        path = assignment.public_checks_path
    else:
        raise CourseError(
            f"no grader for {assignment.id}: neither {assignment.grader_path} nor {assignment.public_checks_path}"
        )
    module = _import_path(path, f"pcs_graders.{assignment.id}")
    # the contract comes from the reference's signatures (the stub's, where only it is shipped)
    signatures = (
        assignment.reference_path if assignment.reference_path.exists() else assignment.stub_path
    )
    contract = contract_for(signatures, getattr(module, "CONTRACT", None))
    grader = collect(module, assignment.id, fingerprint(path, assignment.reference_path), contract)
    if public_only:
        grader.checks = grader.public_checks
        _validate_requirements(assignment.id, grader.checks)
        if not grader.checks:
            raise CourseError(f"{assignment.id} has no public checks")
    return grader
