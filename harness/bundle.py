"""`grade release --student DIR`: the folder students receive, and nothing else.

A student bundle holds:

* ``assignments/ID/``: the stub, the notebook, the statement and the public checks of every
  assignment, generated from the markers exactly as `grade release` writes them (never copied from
  a possibly stale ``assignments/``);
* ``harness/``: the engine files that ``grade`` and the public checks import, verbatim (``grade
  check`` runs the same judge, worker and sandbox as ``grade all``); see :func:`engine_files`;
* ``pyproject.toml``: an installable package (``pip install DIR`` gives the ``grade`` command) with
  the runtime dependencies of the course's own ``pyproject.toml``;
* ``README.md``: install, fill in, check, submit (pt-BR and en).

It never holds ``graders/``, ``reference_solutions/`` or a line of a ``HIDDEN``, ``SOLUTION`` or
``REMOVE`` region: the generated files are checked for such lines before anything is written
(``tests/test_bundle.py`` scans every file of a bundle, the engine included). Fixture weights
(``graders/fixtures/``) are loaded and built by hidden checks only, so none is shipped; a public
check that names one stops the build, since the installed engine looks for fixtures in
``graders/fixtures/`` (see :func:`needed_fixtures`).
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import string
import subprocess
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from harness.course import Course
from harness.release import marked_lines, release_files

#: the package name students install (distinct from the instructor's ``pcs5022-harness``)
PACKAGE_NAME = "pcs5022-student"
#: top-level entries a bundle writes; ``--force`` replaces these and nothing else
OWNED = ("README.md", "pyproject.toml", "harness", "assignments")
#: what ``pip install DIR`` leaves behind in DIR (an in-tree build); removed by ``--force``
BUILD_LEFTOVERS = ("build", "*.egg-info")
#: never in a bundle, whatever DIR held before
FORBIDDEN = ("graders", "reference_solutions")
#: folders of a course checkout that hold tracked material even without git
COURSE_FOLDERS = ("assignments", "graders", "reference_solutions", "harness", "templates", ".git")
#: region kinds whose lines students must never see
SECRET_KINDS = {"graders": ("HIDDEN",), "reference_solutions": ("SOLUTION", "REMOVE")}
#: shorter lines (``return x``, ``model.eval()``) prove nothing when found elsewhere
MIN_SECRET_LENGTH = 20


class BundleError(Exception):
    """The bundle cannot be written as asked (a refused DIR, a leak found), in one sentence."""


@dataclass
class Bundle:
    root: Path
    files: list[Path] = field(default_factory=list)
    assignments: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


# -- which lines are secret -------------------------------------------------------------------------


def is_trivial(line: str) -> bool:
    """Blank, punctuation, short or an import: proves nothing when found elsewhere."""
    text = line.strip()
    if len(text) < MIN_SECRET_LENGTH:
        return True
    if all(ch in string.punctuation or ch.isspace() for ch in text):
        return True
    return text.startswith("import ") or (text.startswith("from ") and " import " in text)


def secret_lines(course_root: Path) -> dict[str, str]:
    """Non-trivial lines of the secret regions -> where one of them is (``graders/ID.py:12``).

    A line that also appears outside every region (so in a stub or a public check, by design) is
    not a secret: public and hidden checks share helpers' calls such as ``call = ctx.student...``.
    """
    secrets: dict[str, str] = {}
    public: set[str] = set()
    for folder, kinds in SECRET_KINDS.items():
        for path in sorted((course_root / folder).glob("*.py")):
            text = path.read_text(encoding="utf-8")
            inside = marked_lines(text, kinds, str(path))
            numbers = {number for number, _ in inside}
            for number, line in inside:
                if not is_trivial(line):
                    secrets.setdefault(line.strip(), f"{folder}/{path.name}:{number}")
            public.update(
                line.strip()
                for number, line in enumerate(text.splitlines(), start=1)
                if number not in numbers
            )
    return {line: origin for line, origin in secrets.items() if line not in public}


def lines_of(name: str, text: str) -> list[str]:
    """The lines a reader sees: a notebook's cell sources, else the text's lines."""
    if name.endswith(".ipynb"):
        try:
            cells = json.loads(text).get("cells", [])
        except (ValueError, AttributeError):
            return text.splitlines()
        lines: list[str] = []
        for cell in cells:
            source = cell.get("source", "")
            lines += ("".join(source) if isinstance(source, list) else str(source)).splitlines()
        return lines
    return text.splitlines()


# -- what goes in ---------------------------------------------------------------------------------


def engine_root() -> Path:
    """The ``harness`` package that is running (the engine students get, verbatim)."""
    return Path(__file__).resolve().parent


MODULE_NAME = re.compile(r"^harness(\.[A-Za-z_][A-Za-z0-9_]*)*$")
#: where ``grade`` starts: the command itself (every subcommand's imports, lazy ones too)
ENGINE_ROOTS = ("harness", "harness.cli")


def _module_file(engine: Path, name: str) -> Path | None:
    """``harness/a/b.py`` or ``harness/a/b/__init__.py`` for ``harness.a.b`` (None: neither)."""
    parts = name.split(".")[1:]
    base = engine.joinpath(*parts) if parts else engine
    for candidate in (base.with_suffix(".py") if parts else None, base / "__init__.py"):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def _is_package(engine: Path, name: str) -> bool:
    parts = name.split(".")[1:]
    return (engine.joinpath(*parts) if parts else engine).is_dir()


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Every ``harness`` module a module's code may import: import statements anywhere (lazy
    ones included) and string literals that name a module (``-m harness.sandbox.worker``)."""
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and MODULE_NAME.match(node.value)
        ):
            names.add(node.value)
    return {n for n in names if n == "harness" or n.startswith("harness.")}


def engine_files(engine: Path, extra_sources: Iterable[str] = ()) -> list[Path]:
    """The engine files ``grade`` can import: the import closure of :data:`ENGINE_ROOTS` and of
    ``extra_sources`` (the public checks), with the packages' ``__init__.py`` and data files.

    A module that nothing imports by name (such as a per-assignment fixture module that the
    fixtures package finds with ``pkgutil`` for the hidden checks) stays out of the bundle.
    """
    seen: set[str] = set()
    pending = list(ENGINE_ROOTS)
    for source in extra_sources:
        pending += _imported_names(ast.parse(source), "__public_checks__", False)
    files: set[Path] = set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        pending += [".".join(parts[:i]) for i in range(1, len(parts))]  # parent packages
        path = _module_file(engine, name)
        if path is None:
            continue  # a name imported from a module, or a namespace package
        files.add(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        pending += _imported_names(tree, name, path.name == "__init__.py")
    for name in seen:
        if _is_package(engine, name):  # data files (py.typed...) of the packages shipped
            folder = engine.joinpath(*name.split(".")[1:])
            files.update(
                p
                for p in folder.iterdir()
                if p.is_file()
                and p.suffix not in (".py", ".pyc", ".pyo")
                and not p.name.startswith(".")
            )
    return sorted(files)


FIXTURE_LOADERS = frozenset({"load_or_build", "fixture_path", "fixture"})


def _code_strings(source: str) -> tuple[set[str], set[str], bool]:
    """What the code (docstrings left out) could name a fixture with: string literals, the
    literal starts of f-strings, and whether a loader gets a name that is neither."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    literals: set[str] = set()
    prefixes: set[str] = set()
    dynamic = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                literals.add(node.value)
        elif isinstance(node, ast.JoinedStr):
            first = node.values[0] if node.values else None
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                prefixes.add(first.value)
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in FIXTURE_LOADERS and not (
                node.args and isinstance(node.args[0], ast.Constant | ast.JoinedStr)
            ):
                dynamic = True
    return literals, prefixes, dynamic


def needed_fixtures(course_root: Path, public_texts: dict[str, str]) -> list[str]:
    """Shipped fixtures (``graders/fixtures/NAME.safetensors``) that the public checks' code names.

    A name counts when a string literal of the code (not a docstring) is the name or an f-string
    starts like it (``f"ch04_digits_mlp_{state}"``); a loader called with a computed name makes
    every fixture needed.
    """
    folder = course_root / "graders" / "fixtures"
    names = sorted(p.stem for p in folder.glob("*.safetensors")) if folder.is_dir() else []
    needed: set[str] = set()
    for text in public_texts.values():
        literals, prefixes, dynamic = _code_strings(text)
        if dynamic:
            return names
        needed.update(
            name
            for name in names
            if name in literals or any(len(p) >= 4 and name.startswith(p) for p in prefixes)
        )
    return sorted(needed)


def pyproject_text(
    main_pyproject: Path, packages: list[str], package_data: dict[str, list[str]]
) -> str:
    """The bundle's pyproject: the course's runtime dependencies, the ``grade`` command."""
    try:
        main = tomllib.loads(main_pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise BundleError(f"cannot read {main_pyproject}: {exc}") from None
    project = main.get("project", {})
    dependencies = list(project.get("dependencies", []))
    build = main.get("build-system", {})

    def value(item: object) -> str:
        if isinstance(item, list):
            if not item:
                return "[]"
            return (
                "[\n" + "".join(f"    {json.dumps(v, ensure_ascii=False)},\n" for v in item) + "]"
            )
        return json.dumps(item, ensure_ascii=False)

    lines = [
        "# What students install (`pip install .`), written by `grade release --student`: do not edit.",
        "",
        "[build-system]",
        f"requires = {value(build.get('requires', ['setuptools>=68']))}",
        f"build-backend = {value(build.get('build-backend', 'setuptools.build_meta'))}",
        "",
        "[project]",
        f"name = {value(PACKAGE_NAME)}",
        f"version = {value(project.get('version', '0.1.0'))}",
        "description = "
        + value("PCS 5022 (USP): assignment stubs and their public checks (`grade check`)."),
        'readme = "README.md"',
        f"requires-python = {value(project.get('requires-python', '>=3.11'))}",
        f"dependencies = {value(dependencies)}",
        "",
        "[project.scripts]",
        'grade = "harness.cli:main"',
        "",
        "[tool.setuptools]",
        f"packages = {value(packages)}",
        "include-package-data = false",
    ]
    if package_data:
        lines += ["", "[tool.setuptools.package-data]"]
        lines += [f"{json.dumps(name)} = {value(files)}" for name, files in package_data.items()]
    return "\n".join(lines) + "\n"


def readme_text(assignments: list[str]) -> str:
    first = assignments[0] if assignments else "ch01_fundamentals"
    rows = "\n".join(
        f"| `{a}` | [`assignments/{a}/README.md`](assignments/{a}/README.md) |" for a in assignments
    )
    return f"""# PCS 5022: tarefas / assignments

| tarefa / assignment | enunciado / statement |
| --- | --- |
{rows}

## Português

**Instalar** (Python 3.11 ou mais novo, Linux; no Windows use o WSL), nesta pasta:

```
python3 -m venv .venv && . .venv/bin/activate
pip install --extra-index-url https://download.pytorch.org/whl/cpu .
```

(O índice extra traz o `torch` só para CPU, bem menor.)

**Preencher**: cada tarefa está em `assignments/ID/`: `ID.py` (ou o mesmo código no notebook
`ID.ipynb`) e o enunciado `README.md`. Escreva o corpo das funções marcadas com
`raise NotImplementedError`; não mude nomes nem assinaturas (são o contrato com o corretor).

**Verificar**, de dentro desta pasta:

```
cd assignments/{first}
grade check {first} {first}.py
grade check {first} {first}.ipynb --lang en
```

O comando termina com status 0 só quando todas as verificações públicas passam. A nota usa muitas
outras verificações, ocultas. Fora desta pasta, diga onde ela está: `--course CAMINHO`.

**Entregar** um único arquivo por tarefa: `ID.py` ou `ID.ipynb`. Código fora de funções roda
quando o arquivo é carregado: deixe experimentos longos fora dele.

## English

**Install** (Python 3.11 or newer, Linux; on Windows use WSL), in this folder:

```
python3 -m venv .venv && . .venv/bin/activate
pip install --extra-index-url https://download.pytorch.org/whl/cpu .
```

(The extra index brings the much smaller CPU-only `torch`.)

**Fill in**: each assignment lives in `assignments/ID/`: `ID.py` (or the same code as the notebook
`ID.ipynb`) and its statement `README.md`. Write the bodies of the functions that
`raise NotImplementedError`; do not rename them or change their signatures (the grader calls them).

**Check**, from inside this folder:

```
cd assignments/{first}
grade check {first} {first}.py --lang en
grade check {first} {first}.ipynb --lang en
```

The command exits with status 0 only when every public check passes. Grading uses many more,
hidden checks. From elsewhere, say where this folder is: `--course PATH`.

**Submit** one file per assignment: `ID.py` or `ID.ipynb`. Top-level code runs when the file is
loaded: keep long experiments out of it.
"""


# -- where it may go ------------------------------------------------------------------------------


def tracked_folders(root: Path) -> set[Path]:
    """Folders of ``root`` holding tracked files (git's index), plus the course's own folders."""
    folders = {root / name for name in COURSE_FOLDERS}
    try:
        listed = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z"],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout.decode("utf-8", "surrogateescape")
    except (OSError, subprocess.SubprocessError):
        listed = ""
    for name in filter(None, listed.split("\0")):
        folders.update(p for p in (root / name).parents if p != root and root in p.parents)
    return {p.resolve() for p in folders}


def refusal(dest: Path, roots: list[Path], *, force: bool) -> str | None:
    """Why ``dest`` may not receive a bundle (None: it may)."""
    dest = dest.resolve()
    for root in roots:
        root = root.resolve()
        if dest == root or dest in root.parents:
            return f"{dest} holds the course checkout {root}; choose a folder outside it"
        if root in dest.parents:
            tracked = tracked_folders(root)
            inside = next((p for p in (dest, *dest.parents) if p in tracked), None)
            if inside is not None:
                return (
                    f"{dest} is inside {inside.relative_to(root)}/, a tracked folder of {root}; "
                    "choose a folder outside the repository (or a new folder at its top)"
                )
    if dest.exists() and not dest.is_dir():
        return f"{dest} exists and is not a folder"
    if dest.is_dir() and any(dest.iterdir()):
        if not force:
            return f"{dest} is not empty; use --force to replace a previous bundle there"
        present = [name for name in FORBIDDEN if (dest / name).exists()]
        if present:
            return f"{dest} holds {', '.join(present)}/, which students must never receive; empty it first"
    return None


def _clear_owned(dest: Path) -> list[str]:
    """Remove what a previous bundle (or an in-tree pip build) wrote; return what is kept."""
    for pattern in (*OWNED, *BUILD_LEFTOVERS):
        for path in dest.glob(pattern):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
    return sorted(p.name for p in dest.iterdir())


# -- building -------------------------------------------------------------------------------------


def build_student_bundle(course: Course, dest: Path, *, force: bool = False) -> Bundle:
    """Write the student bundle of every assignment of ``course`` into ``dest``."""
    engine = engine_root()
    main_pyproject = engine.parent / "pyproject.toml"
    if not main_pyproject.is_file():
        raise BundleError(
            f"{main_pyproject} not found: build the student bundle from a checkout of the harness"
        )
    reason = refusal(dest, [course.root, engine.parent], force=force)
    if reason is not None:
        raise BundleError(reason)

    generated: dict[Path, str] = {}
    public_texts: dict[str, str] = {}
    ids = []
    for assignment_id in sorted(course.assignments()):
        assignment = course.assignment(assignment_id)
        if not assignment.reference_path.exists():
            continue
        ids.append(assignment_id)
        for path, content in release_files(assignment).items():
            generated[Path("assignments") / assignment_id / path.name] = content
            if path == assignment.public_checks_path:
                public_texts[assignment_id] = content
    if not ids:
        raise BundleError(f"{course.root} has no assignment with a reference solution to release")
    fixtures = needed_fixtures(course.root, public_texts)
    if fixtures:
        # the engine reads fixtures from graders/fixtures/, which a bundle never holds
        raise BundleError(
            f"public checks use the fixtures {', '.join(fixtures)}, which the installed engine "
            "cannot find without graders/fixtures/: load them in hidden checks only"
        )

    engine_copy = {
        Path("harness") / p.relative_to(engine): p
        for p in engine_files(engine, list(public_texts.values()))
    }
    packages = sorted({".".join(rel.parent.parts) for rel in engine_copy if rel.suffix == ".py"})
    package_data: dict[str, list[str]] = {}
    for rel in engine_copy:
        if rel.suffix != ".py":
            package_data.setdefault(".".join(rel.parent.parts), []).append(rel.name)
    generated[Path("pyproject.toml")] = pyproject_text(main_pyproject, packages, package_data)
    generated[Path("README.md")] = readme_text(ids)

    secrets = secret_lines(course.root)
    leaks = [
        f"{rel}:{number}: {line.strip()!r} (from {secrets[line.strip()]})"
        for rel, content in generated.items()
        for number, line in enumerate(lines_of(rel.name, content), start=1)
        if line.strip() in secrets
    ]
    if leaks:
        raise BundleError("hidden or solution lines would be shipped:\n  " + "\n  ".join(leaks))

    dest.mkdir(parents=True, exist_ok=True)
    kept = _clear_owned(dest) if force else []
    bundle = Bundle(root=dest, assignments=ids, kept=kept)
    for rel, content in sorted(generated.items()):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        bundle.files.append(target)
    for rel, source in sorted(engine_copy.items()):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        bundle.files.append(target)
    return bundle


def summary_lines(bundle: Bundle) -> list[str]:
    """What `grade release --student` prints."""
    lines = [
        f"wrote the student bundle {bundle.root}: {len(bundle.assignments)} assignments "
        f"({', '.join(bundle.assignments)}), {len(bundle.files)} files",
        "fixtures shipped: none (no public check uses one)",
    ]
    if bundle.kept:
        lines.append(f"kept what was already there: {', '.join(bundle.kept)}")
    lines.append(f"students install it with: pip install {bundle.root}")
    return lines
