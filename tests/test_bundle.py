"""`grade release --student DIR`: what students receive, installable, and free of hidden material."""

from __future__ import annotations

import json
import os
import re
import shutil
import string
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

from harness.bundle import needed_fixtures, refusal
from harness.cli import main
from harness.release import marked_lines, release_files
from tests.support import COURSE, REPO, assignments

SECRET_REGIONS = {"graders": {"HIDDEN"}, "reference_solutions": {"SOLUTION", "REMOVE"}}
#: idioms too common to prove anything when a solution or a hidden check shares them
COMMON_LINES = {
    "optimizer.zero_grad()",
    "optimizer.step()",
    "loss.backward()",
    "with torch.no_grad():",
    "super().__init__()",
    "return model.eval()",
}
#: lines the engine (``harness/``, shipped verbatim) shares with a hidden or solution region, each
#: a generic idiom reviewed by hand; accepted in ``harness/`` only, never in the generated files
ENGINE_GENERIC = {
    # matplotlib boilerplate (harness/plots.py and ch03's hidden plots)
    "axes = figure.add_subplot(1, 1, 1)",
    "axes.legend(fontsize=8)",
    'axes.set_yscale("log")',
    # type guards
    "if not isinstance(value, dict):",
    "if not isinstance(after, dict):",
    "except (TypeError, ValueError):",
    # numpy and torch idioms (harness/scaffold.py's example exercise, harness/fixtures...)
    "X = np.asarray(X, dtype=float)",
    "for name, module in model.named_modules():",
    "was_training = model.training",
    "model.train(was_training)",
    "threads = torch.get_num_threads()",
    "torch.set_num_threads(threads)",
    "for _ in range(epochs):",
    "generator = torch.Generator().manual_seed(seed)",
    # harness.fixtures.digits: the digits split (ch05's critical_period_experiment loads it too)
    "data = load_digits()",
    "X = (data.data / 16.0).astype(np.float32)",
    "X_train, X_test, y_train, y_test = train_test_split(",
    # harness.fixtures.train_classifier: the seeded Adam loop (ch05's train_batchnorm_only too)
    "trainable = [p for p in model.parameters() if p.requires_grad]",
    "nn.functional.cross_entropy(model(inputs[batch]), targets[batch]).backward()",
    # the kit's generic properties (copies remain in hidden helpers of ch02 and ch04)
    'for row in summary["modules"]:',
    'return ["<state_dict is not a dict>"]',
    "changed = sorted(set(before) ^ set(after))",
}


#: what `grade check` runs: the command, the judge, the sandbox and the worker
ENGINE_NEEDS = (
    "harness.cli",
    "harness.judge.runner",
    "harness.sandbox.launcher",
    "harness.sandbox.enter",
    "harness.sandbox.isolation",
    "harness.sandbox.zygote",
    "harness.sandbox.worker",
    "harness.protocol",
    "harness.notebook",
)


def trivial(line: str) -> bool:
    text = line.strip()
    return (
        len(text) < 20
        or text.startswith("@check(")  # a decorator says no more than the report's check list
        or re.fullmatch(r"[\w.]+,?", text) is not None  # a name in an import list
        or all(ch in string.punctuation or ch.isspace() for ch in text)
        or text.startswith("import ")
        or (text.startswith("from ") and " import " in text)
        or text in COMMON_LINES
    )


def secret_lines() -> dict[str, str]:
    """Non-trivial lines of HIDDEN (graders) and SOLUTION/REMOVE (references) regions, parsed as
    `grade release` parses them, minus those that also stand outside every region (public)."""
    secrets: dict[str, str] = {}
    public: set[str] = set()
    for folder, kinds in SECRET_REGIONS.items():
        for path in sorted((REPO / folder).glob("*.py")):
            text = path.read_text(encoding="utf-8")
            inside = marked_lines(text, kinds, str(path))
            for number, line in inside:
                if not trivial(line):
                    secrets.setdefault(line.strip(), f"{folder}/{path.name}:{number}")
            numbers = {number for number, _ in inside}
            public.update(
                line.strip()
                for number, line in enumerate(text.splitlines(), start=1)
                if number not in numbers
            )
    assert len(secrets) > 500, "the regions should hold many non-trivial lines"
    return {line: origin for line, origin in secrets.items() if line not in public}


def readable_lines(path: Path) -> list[str]:
    """A file's lines, and for a notebook also its cells' source lines (JSON-escaped otherwise)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return []
    lines = text.splitlines()
    if path.suffix == ".ipynb":
        for cell in json.loads(text)["cells"]:
            source = cell["source"]
            lines += ("".join(source) if isinstance(source, list) else source).splitlines()
    return lines


def build(dest: Path, *extra: str) -> int:
    return main(["release", "--student", str(dest), "--course", str(REPO), *extra])


def bundle_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def test_bundle_holds_what_students_get_and_nothing_secret(tmp_path: Path) -> None:
    dest = tmp_path / "bundle"
    assert build(dest) == 0
    files = bundle_files(dest)
    relative = [p.relative_to(dest) for p in files]
    tops = {r.parts[0] for r in relative}
    assert tops == {"README.md", "pyproject.toml", "harness", "assignments"}
    assert not any(
        part in ("graders", "reference_solutions", "__pycache__")
        for r in relative
        for part in r.parts
    )
    assert not [r for r in relative if r.suffix in (".safetensors", ".pyc")]  # no fixture needed

    # the four released files of every assignment, exactly as `grade release` writes them
    for assignment_id in assignments():
        assignment = COURSE.assignment(assignment_id)
        expected = release_files(assignment)
        assert {p.name for p in expected} == {
            f"{assignment_id}.py",
            f"{assignment_id}.ipynb",
            "README.md",
            "public_checks.py",
        }
        for path, content in expected.items():
            assert (dest / "assignments" / assignment_id / path.name).read_text() == content
    # the engine, verbatim: what `grade` imports (checked below), the worker and the sandbox
    shipped = [r for r in relative if r.parts[0] == "harness"]
    for rel in shipped:
        assert (dest / rel).read_bytes() == (REPO / rel).read_bytes(), rel
    for module in ENGINE_NEEDS:
        assert Path("harness", *module.split(".")[1:]).with_suffix(".py") in shipped, module

    # the package: the course's runtime dependencies, torch pinned, the grade command
    bundle_project = tomllib.loads((dest / "pyproject.toml").read_text())["project"]
    main_project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert bundle_project["dependencies"] == main_project["dependencies"]
    assert "torch==2.13.0" in bundle_project["dependencies"]
    assert bundle_project["scripts"] == {"grade": "harness.cli:main"}
    readme = (dest / "README.md").read_text()
    for words in ("## Português", "## English", "pip install", "grade check", "ID.ipynb"):
        assert words in readme

    # no line of a hidden check or of a solution, anywhere
    secrets = secret_lines()
    leaks = []
    for path, rel in zip(files, relative, strict=True):
        for number, line in enumerate(readable_lines(path), start=1):
            text = line.strip()
            if "# BEGIN " in text or "# END " in text:
                assert rel.parts[0] == "harness", f"{rel}:{number}: a region marker: {text}"
            if text in secrets and not (rel.parts[0] == "harness" and text in ENGINE_GENERIC):
                leaks.append(f"{rel}:{number}: {text!r} (from {secrets[text]})")
    assert not leaks, "hidden or solution lines in the bundle:\n" + "\n".join(leaks)


def test_fixtures_needed_are_those_the_public_code_names() -> None:
    names = [
        "ch04_digits_mlp_init",
        "ch04_digits_mlp_trained",
        "ch04_rings_mlp_trained",
        "ch06_digits_cnn",
        "ch07_residual_mlp_trained",
        "ch10_source_backbone",
        "ch12_finetuned_a",
        "ch12_finetuned_b",
        "ch12_pretrained",
    ]
    assert all((REPO / "graders" / "fixtures" / f"{n}.safetensors").exists() for n in names)
    public = {a: (REPO / "assignments" / a / "public_checks.py").read_text() for a in assignments()}
    assert needed_fixtures(REPO, public) == []  # today: every fixture is for hidden checks
    docstring = '"""Uses ch04_rings_mlp_trained."""\n'
    assert needed_fixtures(REPO, {"x": docstring}) == []
    assert needed_fixtures(REPO, {"x": 'load_or_build("ch04_rings_mlp_trained")'}) == names[2:3]
    assert needed_fixtures(REPO, {"x": 'load_or_build(f"ch04_digits_mlp_{s}")'}) == names[:2]
    assert needed_fixtures(REPO, {"x": "load_or_build(name)"}) == names


@pytest.mark.slow
def test_bundle_engine_imports_without_the_checkout(tmp_path: Path) -> None:
    """The bundle's engine alone (no checkout on sys.path, no editable finder) loads every
    assignment's public checks and every module `grade check` starts."""
    dest = tmp_path / "bundle"
    assert build(dest) == 0
    script = f"""
import sys
sys.path[:0] = [{str(dest)!r}, *{sorted(set(sysconfig.get_paths().values()))!r}]
import importlib
for name in {ENGINE_NEEDS!r}:
    importlib.import_module(name)
import harness
assert harness.__file__.startswith({str(dest)!r}), harness.__file__
from harness.course import Course
from harness.judge.grader import load_grader
course = Course(__import__("pathlib").Path({str(dest)!r}))
for assignment in sorted(course.assignments()):
    grader = load_grader(course.assignment(assignment), public_only=True)
    assert grader.checks and not any(c.hidden for c in grader.checks), assignment
    print(assignment, len(grader.checks))
leaked = sorted(m for m in sys.modules if m.startswith("harness") and
                not (getattr(sys.modules[m], "__file__", None) or {str(dest)!r}).startswith({str(dest)!r}))
assert not leaked, leaked
"""
    # -S: no site-packages processing, so the checkout's editable install cannot answer imports
    done = subprocess.run(
        [sys.executable, "-S", "-c", script],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(line.split()[0] for line in done.stdout.splitlines()) == assignments()


def test_refuses_tracked_folders_and_non_empty_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for inside in (
        REPO / "assignments" / "_student_bundle",
        REPO / "harness" / "_student_bundle",
        REPO / "graders" / "_student_bundle",
    ):
        assert build(inside) == 2
        assert "tracked folder" in capsys.readouterr().err
        assert not inside.exists()
    assert build(REPO) == 2
    assert "holds the course checkout" in capsys.readouterr().err
    for checkout in (REPO, REPO.parent):  # even with --force (asked without side effects here)
        assert "holds the course checkout" in (refusal(checkout, [REPO], force=True) or "")

    dest = tmp_path / "bundle"
    dest.mkdir()
    (dest / "notes.txt").write_text("mine")
    assert build(dest) == 2
    assert "not empty" in capsys.readouterr().err
    assert sorted(p.name for p in dest.iterdir()) == ["notes.txt"]
    assert build(dest, "--force") == 0
    assert "kept what was already there: notes.txt" in capsys.readouterr().out
    # --force replaces a previous bundle (and an in-tree pip build), keeps what is not its own
    (dest / "assignments" / "ch00_gone").mkdir()
    (dest / "build" / "lib").mkdir(parents=True)
    (dest / "pcs5022_student.egg-info").mkdir()
    assert build(dest, "--force") == 0
    names = sorted(p.name for p in dest.iterdir())
    assert names == ["README.md", "assignments", "harness", "notes.txt", "pyproject.toml"]
    assert not (dest / "assignments" / "ch00_gone").exists()
    (dest / "graders").mkdir()
    assert build(dest, "--force") == 2
    assert "never receive" in capsys.readouterr().err

    assert main(["release", "--force"]) == 2
    assert main(["release", "--student", str(tmp_path / "x"), "--check"]) == 2
    assert not (tmp_path / "x").exists()


def _environment(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["VIRTUAL_ENV"] = str(venv)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PIP_NO_INDEX"] = "1"  # offline: nothing is downloaded
    return env


def _student_venv(root: Path) -> tuple[Path, dict[str, str]]:
    """A fresh venv from this interpreter, holding this environment's packages (torch...).

    ``venv --system-site-packages`` made from a venv's interpreter sees the *base* installation's
    packages, not the venv's, so the packages are hard-linked in (fast, no copy, and inside the
    venv, which the sandbox shows to the worker). Where hard links are impossible (another file
    system), a .pth file points at them instead, and the worker runs at the ``rlimits`` level,
    since a namespace sandbox would not show that folder.
    """
    venv = root / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", str(venv)],
        check=True,
        timeout=120,
    )
    env = _environment(venv)
    python = venv / "bin" / "python"
    target = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
            env=env,
        ).stdout.strip()
    )
    sources = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    skip = ("__editable__", "pcs5022_harness", "harness", "__pycache__")
    try:
        for source in map(Path, sources):
            for entry in source.iterdir():
                if entry.name.startswith(skip) or (target / entry.name).exists():
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.copytree(
                        entry, target / entry.name, symlinks=True, copy_function=os.link
                    )
                else:
                    os.link(entry, target / entry.name, follow_symlinks=False)
    except OSError:
        (target / "_repo_environment.pth").write_text("\n".join(sources) + "\n")
        env["PCS_ISOLATION"] = "rlimits"
    return venv, env


@pytest.mark.slow
def test_installed_bundle_runs_grade_check(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    assert build(bundle) == 0
    venv, env = _student_venv(tmp_path)
    install = subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", "--no-deps", "--no-build-isolation"]
        + ["--no-index", "--disable-pip-version-check", "--quiet", str(bundle)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    grade = venv / "bin" / "grade"
    assert grade.exists()
    where = subprocess.run(
        [venv / "bin" / "python", "-c", "import harness; print(harness.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(venv), where  # the installed engine, not the checkout's
    site = Path(where).parent.parent
    assert not (site / "graders").exists() and not (site / "reference_solutions").exists()

    # the stub, in the folder students fill it in: every public check fails
    folder = bundle / "assignments" / "ch01_fundamentals"
    assert REPO not in folder.parents
    stub = subprocess.run(
        [grade, "check", "ch01_fundamentals", "ch01_fundamentals.py", "--lang", "en"],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        timeout=600,
    )
    assert stub.returncode == 1, stub.stdout + stub.stderr
    counts = re.search(r"(\d+) of (\d+) public checks passed", stub.stdout)
    assert counts and counts[1] == "0" and int(counts[2]) > 0, stub.stdout + stub.stderr
    assert "[PASS]" not in stub.stdout and stub.stdout.count("[FAIL]") == int(counts[2])

    # the reference solution, in a folder of its own (the bundle named with --course): all pass
    work = tmp_path / "student"
    work.mkdir()
    shutil.copy(REPO / "reference_solutions" / "ch01_fundamentals.py", work)
    solved = subprocess.run(
        [grade, "check", "ch01_fundamentals", "ch01_fundamentals.py"]
        + ["--course", str(bundle), "--lang", "en"],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
        timeout=600,
    )
    assert solved.returncode == 0, solved.stdout + solved.stderr
    assert f"{counts[2]} of {counts[2]} public checks passed" in solved.stdout
