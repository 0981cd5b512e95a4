"""``grade check``: the student's loop: the public checks of one file, of one exercise, on save.

One judge serves every run of a ``--watch`` session, so a rerun costs the checks and the fresh
worker only (the grader, torch and the warm zygote stay loaded). A rerun prints only what changed.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

from harness.course import Assignment, Course
from harness.i18n import Text
from harness.imports import module_names
from harness.records import SubmissionResult

HEADER = Text(
    en="Public checks of {assignment} on {file}",
    pt="Verificações públicas de {assignment} em {file}",
)
ONLY_HEADER = Text(
    en="Public checks of {assignment}, exercise {exercises}, on {file}",
    pt="Verificações públicas de {assignment}, exercício {exercises}, em {file}",
)
SUMMARY = Text(
    en="{passed} of {total} public checks passed ({score:g}/{max:g} points). Grading uses many more hidden checks.",
    pt="{passed} de {total} verificações públicas passaram ({score:g}/{max:g} pontos). A correção usa muitas outras verificações ocultas.",
)
NOT_LOADED = Text(en="Your file could not be loaded:", pt="Seu arquivo não pôde ser carregado:")
BLANK_ANSWERS = Text(
    en="Written answers still empty (a TA scores them): {items}",
    pt="Respostas escritas ainda vazias (um monitor as avalia): {items}",
)
UNKNOWN_EXERCISE = Text(
    en="{assignment} has no public checks for exercise {wanted}; its exercises with public checks are {known}.",
    pt="{assignment} não tem verificações públicas do exercício {wanted}; seus exercícios com verificações públicas são {known}.",
)
WATCHING = Text(
    en="Watching {file}: the checks run again each time it is saved (Ctrl+C to stop).",
    pt="Observando {file}: as verificações rodam de novo a cada vez que ele for salvo (Ctrl+C para parar).",
)
RERUN = Text(en="{time}: {file} saved; what changed:", pt="{time}: {file} salvo; o que mudou:")
NOTHING_CHANGED = Text(en="  (no check changed)", pt="  (nenhuma verificação mudou)")


def imported_modules(path: Path) -> tuple[str, ...]:
    """The modules a submission imports at top level (a notebook's code cells included), read
    statically; a file that does not parse imports nothing we can know of."""
    from harness.notebook import SourceError, prepare_source

    try:
        tree = ast.parse(prepare_source(path, path.read_bytes()).text)
    except (SourceError, SyntaxError, ValueError, OSError):
        return ()
    return module_names(tree.body)


def public_checks_modules(assignment: Assignment) -> tuple[str, ...]:
    """The modules the public checks import, at top level or inside a check (read statically)."""
    from harness.release import make_public_checks

    try:
        if assignment.public_checks_path.exists():
            text = assignment.public_checks_path.read_text(encoding="utf-8")
        else:
            text = make_public_checks(assignment.grader_path.read_text("utf-8"), assignment.id)
        return module_names(list(ast.walk(ast.parse(text))))
    except (OSError, SyntaxError, ValueError):
        return ()


class UnknownExercise(ValueError):
    """``--only`` names an exercise without public checks (the message lists those there are)."""


def check_lines(result: SubmissionResult, lang: str) -> dict[str, list[str]]:
    """Each check's printed lines, by check name (a rerun compares them to print what changed)."""
    lines: dict[str, list[str]] = {}
    for c in result.checks:
        mark = "PASS" if c.passed else "FAIL"
        block = [f"  [{mark}] {c.exercise} {c.name} ({c.points:g}/{c.max_points:g})"]
        if not c.passed and not result.errors:
            block.append(textwrap.indent(textwrap.fill(c.messages.render(lang), 96), "         "))
        if c.output and (c.output.stdout or c.output.stderr) and not c.passed:
            printed = (c.output.stdout + c.output.stderr).strip().splitlines()[-5:]
            block.append(textwrap.indent("\n".join(printed), "         | "))
        lines[c.name] = block
    return lines


def preamble(result: SubmissionResult, lang: str) -> list[str]:
    """What comes before the checks: a file that did not load, skipped cells, empty answers."""
    out: list[str] = []
    if result.errors:
        out.append(NOT_LOADED.render(lang))
        out.append(textwrap.indent(result.errors.render(lang), "    "))
    for problem in result.cell_problems:
        out.append(textwrap.indent(textwrap.fill(problem.render(lang), 96), "  ! "))
    blank = [r for r in result.rubric if r.answer is not None and r.answer.state != "answered"]
    if blank:
        items = ", ".join(f"{r.name} ({r.exercise})" for r in blank)
        out.append(BLANK_ANSWERS.format(items=items).render(lang))
    return out


def summary(result: SubmissionResult, lang: str) -> str:
    passed = sum(c.passed for c in result.checks)
    return SUMMARY.format(
        passed=passed, total=len(result.checks), score=result.score, max=result.max_score
    ).render(lang)


def all_passed(result: SubmissionResult) -> bool:
    return all(c.passed for c in result.checks) and not result.error


def select(result: SubmissionResult, exercises: frozenset[str] | None) -> SubmissionResult:
    """Only the checks of the chosen exercises (the others were not run)."""
    if exercises is None:
        return result
    checks = [c for c in result.checks if c.exercise in exercises]
    rubric = [r for r in result.rubric if r.exercise in exercises]
    return result.model_copy(update={"checks": checks, "rubric": rubric}).with_totals()


class CheckSession:
    """A judge kept warm for one file: ``run()`` grades the file as it is now."""

    def __init__(
        self, course: Course, assignment: str, path: Path, lang: str, only: list[str] | None
    ) -> None:
        from harness.judge.runner import Judge, JudgeOptions

        self.assignment, self.path, self.lang = assignment, path, lang
        self.exercises = frozenset(only) if only else None
        self.judge = Judge(
            course,
            JudgeOptions(
                lang=lang,
                public_only=True,
                exercise_filter={"you": self.exercises} if self.exercises else None,
            ),
        )
        if self.exercises:
            known = sorted({spec.exercise for spec in self.judge.grader(assignment).checks})
            missing = sorted(self.exercises - set(known))
            if missing:
                self.close()
                raise UnknownExercise(
                    UNKNOWN_EXERCISE.format(
                        assignment=assignment, wanted=", ".join(missing), known=", ".join(known)
                    ).render(lang)
                )
        # the student's loop pays one worker: its zygote imports what the file imports, while
        # the judge loads the grader and the same modules (the checks' own imports), in parallel
        checks_need = public_checks_modules(course.assignment(assignment))
        for_worker = [m for m in checks_need if not m.startswith("harness.") or ".probes" in m]
        # torch too: the worker needs it as soon as a check passes a tensor or a model, and it
        # costs nothing here (it loads on the other core while the judge loads the grader)
        self.judge.launcher.warm_up(preload=("torch", *imported_modules(path), *for_worker))
        self.judge.grader(assignment)
        for name in checks_need:  # those a check imports only when it runs
            with contextlib.suppress(Exception):
                importlib.import_module(name)

    def header(self) -> str:
        if self.exercises:
            return ONLY_HEADER.format(
                assignment=self.assignment,
                exercises=", ".join(sorted(self.exercises)),
                file=self.path,
            ).render(self.lang)
        return HEADER.format(assignment=self.assignment, file=self.path).render(self.lang)

    def run(self) -> SubmissionResult:
        result = self.judge.grade_bytes(
            student="you",
            assignment_id=self.assignment,
            relative=self.path.name,
            raw=self.path.read_bytes(),
            suffix=self.path.suffix,
        )
        return select(result, self.exercises)

    def close(self) -> None:
        self.judge.close()


def report(result: SubmissionResult, lang: str) -> list[str]:
    lines = preamble(result, lang)
    for block in check_lines(result, lang).values():
        lines += block
    lines.append(summary(result, lang))
    return lines


def changes(before: SubmissionResult, after: SubmissionResult, lang: str) -> list[str]:
    """The lines of the checks whose outcome or message changed, and of the file's problems."""
    old, new = check_lines(before, lang), check_lines(after, lang)
    lines = [line for line in preamble(after, lang) if line not in preamble(before, lang)]
    for name, block in new.items():
        if old.get(name) != block:
            lines += block
    return lines


def watch(
    session: CheckSession,
    emit: Callable[[str], None],
    *,
    poll_s: float = 0.5,
    rounds: int | None = None,
) -> SubmissionResult:
    """Run, then rerun each time the file's modification time or size changes; ``rounds`` (tests)
    stops after that many reruns. Returns the last result."""
    seen = _stamp(session.path)  # taken first: a save during the first run triggers a rerun
    result = session.run()
    for line in [session.header(), *report(result, session.lang)]:
        emit(line)
    emit(WATCHING.format(file=session.path).render(session.lang))
    done = 0
    while rounds is None or done < rounds:
        time.sleep(poll_s)
        stamp = _stamp(session.path)
        if stamp == seen or stamp is None:
            continue
        seen = stamp
        previous, result = result, session.run()
        emit(RERUN.format(time=time.strftime("%H:%M:%S"), file=session.path).render(session.lang))
        changed = changes(previous, result, session.lang)
        for line in changed or [NOTHING_CHANGED.render(session.lang)]:
            emit(line)
        emit(summary(result, session.lang))
        done += 1
    return result


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_size)
