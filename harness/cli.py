"""The `grade` command: the one place that wires discovery, judging, storage and reports.

grade all SUBMISSIONS --out OUT     grade every submission (incremental, resumable)
grade check ASSIGNMENT FILE         a student's local run of the public checks
grade release [ID ...] [--check]    regenerate stubs, notebooks and public checks
grade release --student DIR         what students receive (no graders, no solutions)
grade report OUT                    re-render the reports from the gradebook
grade serve OUT                     local web app where TAs score the rubric items
grade export OUT --format F         Moodle/Canvas CSV or Gradescope results.json per submission
grade gradescope                    grade /autograder/submission inside Gradescope
grade import moodle|canvas ZIP --to SUBMISSIONS   an LMS download as one folder per student
grade schema                        JSON schema of results.json
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from harness.course import Course, CourseError, find_course_root, find_submissions
from harness.gradebook import Gradebook
from harness.i18n import DEFAULT_LANGUAGE, Text, normalize_language
from harness.outputs import read_run_info, write_outputs
from harness.records import RunInfo, SkippedFile, results_schema
from harness.version import HARNESS_VERSION

EXIT_OK = 0
EXIT_CHECKS_FAILED = 1
EXIT_USAGE = 2
EXIT_GRADER_INCIDENTS = 3


class CliError(Exception):
    """A problem to report in one line, with exit status 2 (bad input, missing file...)."""


def _course(args: argparse.Namespace) -> Course:
    root = Path(args.course) if getattr(args, "course", None) else None
    if root is not None and not root.is_dir():
        raise CliError(f"course folder {root} does not exist")
    return Course(find_course_root(root))


def _language(value: str | None) -> str:
    try:
        return normalize_language(value)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _say(text: Text, lang: str, **values: object) -> str:
    return text.format(**values).render(lang)


# -- grade all ------------------------------------------------------------------------------------


@contextlib.contextmanager
def exclusive_output(out: Path) -> Iterator[None]:
    """Refuse a second `grade all` on the same OUT while one runs (the OS drops the lock on death)."""
    out.mkdir(parents=True, exist_ok=True)
    lock_path = out / ".grade-all.lock"
    handle = open(lock_path, "a+")  # noqa: SIM115
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "?"
        handle.close()
        raise CliError(
            f"another `grade all` (pid {holder}) is already writing to {out}; wait for it to finish or use another --out"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    try:
        yield
    finally:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


class Progress:
    """A bar on a terminal; one line per submission otherwise (CI logs)."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.bar = None
        if sys.stderr.isatty() and total:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="sub", file=sys.stderr, dynamic_ncols=True)

    def update(self, label: str, detail: str) -> None:
        self.done += 1
        if self.bar is not None:
            self.bar.set_postfix_str(label[:40])
            self.bar.update(1)
        else:
            print(f"[{self.done}/{self.total}] {label}: {detail}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def resolve_device(requested: str) -> str:
    """'cuda' where a GPU is usable, else 'cpu' with a message saying so."""
    if requested != "cuda":
        return "cpu"
    import torch

    if torch.cuda.is_available():
        print(f"grade all: device: cuda ({torch.cuda.get_device_name(0)})", file=sys.stderr)
        return "cuda"
    print(
        "grade all: device: --device cuda asked, but no CUDA device is usable here; falling back to cpu",
        file=sys.stderr,
    )
    return "cpu"


def cmd_all(args: argparse.Namespace) -> int:
    from harness.judge.runner import GraderIncident, Judge, JudgeOptions, now_iso
    from harness.parallel import default_jobs, grade_many, one_torch_thread

    lang = _language(args.lang)
    course = _course(args)
    known = course.assignments()
    if not known:
        raise CliError(f"the course folder {course.root} defines no assignments (graders/*.py)")
    only = None
    if args.only:
        only = {a.strip() for a in args.only.split(",") if a.strip()}
        unknown = only - set(known)
        if unknown:
            raise CliError(f"--only names unknown assignments: {', '.join(sorted(unknown))}")
    discovery = find_submissions(Path(args.submissions), set(known), only)
    out = Path(args.out)
    device = resolve_device(args.device)
    with exclusive_output(out):
        derive_budgets = args.budgets == "reference"
        options = JudgeOptions(
            lang=lang, device=device, cache_dir=out / ".cache", derive_budgets=derive_budgets
        )
        judge = Judge(course, options)
        one_torch_thread()
        one_judge = min(args.jobs or default_jobs(), len(discovery.submissions)) <= 1
        # the zygote's imports overlap the graders' loading below (with -j N or a cluster, the
        # judge processes have their own zygotes; one that is not warmed up starts when needed)
        if not args.cluster and one_judge:
            judge.launcher.warm_up()
        run = RunInfo(
            started_at=now_iso(),
            isolation=judge.isolation,
            harness_version=HARNESS_VERSION,
            submissions=len(discovery.submissions),
            skipped=[SkippedFile(path=p, reason=r) for p, r in discovery.skipped],
        )
        print(f"grade all: isolation level: {judge.isolation}", file=sys.stderr)
        print(
            f"grade all: {len(discovery.submissions)} submissions in {args.submissions}",
            file=sys.stderr,
        )
        for path, reason in discovery.skipped:
            print(f"grade all: skipped {path}: {reason}", file=sys.stderr)
        with Gradebook(out / "gradebook.sqlite") as gradebook, judge:
            to_grade = []
            for submission in discovery.submissions:
                grader = judge.grader(submission.assignment)
                sha = hashlib.sha256(submission.path.read_bytes()).hexdigest()
                if not args.force and gradebook.is_current(
                    submission.student, submission.assignment, sha, grader.fingerprint
                ):
                    run.reused += 1
                else:
                    to_grade.append(submission)
            cluster = _open_cluster(args.cluster, course) if args.cluster and to_grade else None
            if cluster is not None:
                jobs = cluster.workers()
                where = f"{jobs} Dask workers at {cluster.address}"
                results_stream = _cluster_results(
                    cluster, to_grade, lang=lang, device=device, derive_budgets=derive_budgets
                )
            else:
                jobs = min(args.jobs or default_jobs(), max(len(to_grade), 1))
                where = f"{jobs} in parallel"
                results_stream = grade_many(to_grade, judge=judge, jobs=jobs)
            print(
                f"grade all: {len(to_grade)} to grade, {run.reused} unchanged, {where}",
                file=sys.stderr,
            )
            progress = Progress(len(to_grade))
            incidents: list[GraderIncident] = []
            interrupted = False
            started_all = time.monotonic()
            try:
                for submission, result, found in results_stream:
                    gradebook.save(result)
                    run.graded += 1
                    incidents += found
                    detail = f"{result.score:g}/{result.max_score:g} ({result.duration_s:.1f} s)"
                    if result.error:
                        detail += " [not loadable]"
                    progress.update(f"{submission.student}/{submission.assignment}", detail)
            except KeyboardInterrupt:
                interrupted = True
                print(
                    "\ngrade all: interrupted; finished grades are kept, run again to resume",
                    file=sys.stderr,
                )
            finally:
                progress.close()
                if cluster is not None:
                    cluster.close()
            run.wall_s = round(time.monotonic() - started_all, 3)
            run.jobs = jobs
            run.finished_at = now_iso()
            wanted = {(s.student, s.assignment) for s in discovery.submissions}
            results = [r for r in gradebook.results() if (r.student, r.assignment) in wanted]
            index = write_outputs(results, out, lang=lang, run=run)
        print(
            f"grade all: graded {run.graded}, unchanged {run.reused}, skipped files {len(run.skipped)}",
            file=sys.stderr,
        )
        if incidents:
            log = out / "grader-incidents.log"
            with open(log, "a", encoding="utf-8") as handle:
                for incident in incidents:
                    handle.write(
                        f"== {incident.assignment} / {incident.student} / {incident.check}\n{incident.detail}\n"
                    )
            print(
                f"grade all: {len(incidents)} grader errors (bugs in the graders), see {log}",
                file=sys.stderr,
            )
        print(f"Report: {index.resolve()}")
        if interrupted:
            return 130
        return EXIT_GRADER_INCIDENTS if incidents else EXIT_OK


def _open_cluster(spec: str, course: Any) -> Any:
    from harness.cluster import ClusterError, ClusterRun

    try:
        cluster = ClusterRun(spec, course)
    except ClusterError as error:
        raise CliError(str(error)) from error
    print(
        f"grade all: cluster {cluster.address}: course {cluster.course_hash[:12]} "
        f"({cluster.archive_bytes / 1e6:.1f} MB) sent to {cluster.workers()} workers",
        file=sys.stderr,
    )
    return cluster


def _cluster_results(
    cluster: Any, to_grade: list, *, lang: str, device: str, derive_budgets: bool
) -> Iterator:
    """The cluster's results as grade_many gives them; a mismatched worker ends the run."""
    from harness.cluster import ClusterError
    from harness.judge.runner import GraderIncident

    try:
        for submission, result, incidents, _worker in cluster.grade(
            to_grade, lang=lang, device=device, derive_budgets=derive_budgets
        ):
            yield submission, result, [GraderIncident(**i) for i in incidents]
    except ClusterError as error:
        raise CliError(str(error)) from error


# -- grade check ----------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from harness.check_command import CheckSession, UnknownExercise, all_passed, report, watch

    lang = _language(args.lang)
    path = Path(args.file)
    if not path.exists():
        raise CliError(f"file {path} does not exist")
    if path.is_dir() or path.suffix not in (".py", ".ipynb"):
        raise CliError(f"{path} is not a .py or .ipynb file")
    course = _course(args)
    course.assignment(args.assignment)
    only = [e.strip() for e in args.only.split(",") if e.strip()] if args.only else None
    try:
        session = CheckSession(course, args.assignment, path, lang, only)
    except UnknownExercise as error:
        raise CliError(str(error)) from None
    try:
        if args.watch:
            try:
                result = watch(session, lambda line: print(line, flush=True))
            except KeyboardInterrupt:
                return EXIT_OK
        else:
            result = session.run()
            print(session.header())
            print("\n".join(report(result, lang)))
    finally:
        session.close()
    return EXIT_OK if all_passed(result) else EXIT_CHECKS_FAILED


# -- other commands -----------------------------------------------------------------------------------


def cmd_release(args: argparse.Namespace) -> int:
    from harness.release import MarkerError, release, stale_files

    course = _course(args)
    ids = args.assignments or None
    for assignment_id in ids or []:
        course.assignment(assignment_id)
    if args.student:
        from harness.bundle import BundleError, build_student_bundle, summary_lines

        if ids or args.check:
            raise CliError("--student writes every assignment: give it no ID and no --check")
        try:
            bundle = build_student_bundle(course, Path(args.student), force=args.force)
        except (BundleError, MarkerError) as exc:
            raise CliError(str(exc)) from None
        print("\n".join(summary_lines(bundle)))
        return EXIT_OK
    if args.force:
        raise CliError("--force only applies to --student DIR")
    try:
        if args.check:
            stale = stale_files(course, ids)
            for path in stale:
                print(f"stale: {path.relative_to(course.root)}")
            if stale:
                print("run `grade release` to regenerate them", file=sys.stderr)
                return EXIT_CHECKS_FAILED
            print("all released files are up to date")
            return EXIT_OK
        changed = release(course, ids)
    except MarkerError as exc:
        raise CliError(str(exc)) from None
    for path in changed:
        print(f"wrote {path.relative_to(course.root)}")
    if not changed:
        print("all released files were already up to date")
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from harness.course import Course, find_course_root
    from harness.release import release
    from harness.scaffold import ScaffoldError, new_assignment

    root = Path(args.course) if args.course else find_course_root()
    try:
        written = new_assignment(root, args.id, args.title)
    except ScaffoldError as exc:
        raise CliError(str(exc)) from None
    written += release(Course(root), [args.id])
    for path in written:
        print(f"wrote {path.relative_to(root)}")
    print(
        f"next: replace the example exercise, write >= 8 mutants and >= 2 alternatives, then "
        f"`PCS_TEST_ASSIGNMENTS={args.id} make test` (README: Adding an assignment)"
    )
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    out = Path(args.out)
    database = out / "gradebook.sqlite"
    if not database.exists():
        raise CliError(
            f"{out} holds no gradebook.sqlite; run `grade all SUBMISSIONS --out {out}` first"
        )
    with Gradebook(database) as gradebook:
        results = gradebook.results()
    index = write_outputs(results, out, lang=_language(args.lang), run=read_run_info(out))
    print(f"Report: {index.resolve()}")
    return EXIT_OK


def cmd_similarity(args: argparse.Namespace) -> int:
    from harness.similarity import find_similar, write_report

    out = Path(args.out)
    lang = _language(args.lang)
    if not 0 < args.threshold <= 1:
        raise CliError(f"--threshold {args.threshold}: give a share in (0, 1], e.g. 0.5")
    database = _gradebook_path(out, lang)
    with Gradebook(database) as gradebook:
        results = gradebook.results()
    try:
        course: Course | None = _course(args)
    except CliError:
        course = None  # no course folder here: nothing is treated as starter code
        print(
            "grade similarity: no course folder found; the released stubs are not subtracted",
            file=sys.stderr,
        )
    started = time.monotonic()
    report = find_similar(
        results, course, threshold=args.threshold, min_shared_tokens=args.min_tokens
    )
    pages = write_report(report, out, lang=lang)
    index = write_outputs(results, out, lang=lang, run=read_run_info(out))
    for pair in report.pairs:
        print(
            f"{pair.assignment} ({pair.kind}): {pair.first} {pair.first_share:.0%} / "
            f"{pair.second} {pair.second_share:.0%} ({pair.shared_tokens} tokens)"
        )
    print(
        f"grade similarity: {len(results)} submissions, {report.compared_pairs} pairs compared, "
        f"{len(report.pairs)} above {args.threshold:.0%} in {time.monotonic() - started:.1f} s",
        file=sys.stderr,
    )
    print(f"Pairs: {pages.resolve()}\nReport: {index.resolve()}")
    return EXIT_OK


# -- TAs and exports: grade serve / grade export / grade gradescope -----------------------------------


def _gradebook_path(out: Path, lang: str) -> Path:
    from harness.report.ui_text import ui

    database = out / "gradebook.sqlite"
    if not database.exists():
        raise CliError(ui("cli_no_gradebook", lang, out=out))
    return database


def cmd_serve(args: argparse.Namespace) -> int:
    from harness.report.ui_text import ui
    from harness.serve import RemoteHostRefused, make_server, serve

    lang = _language(args.lang)
    out = Path(args.out)
    database = _gradebook_path(out, lang)
    try:
        server = make_server(
            out, host=args.host, port=args.port, lang=lang, allow_remote=args.allow_remote
        )
    except RemoteHostRefused:
        raise CliError(ui("cli_remote_refused", lang, host=args.host)) from None
    except OSError as exc:
        raise CliError(
            ui("cli_port_busy", lang, host=args.host, port=args.port, detail=exc.strerror or exc)
        ) from None
    if args.allow_remote:
        print(ui("cli_remote_warning", lang, host=args.host), file=sys.stderr, flush=True)
    print(ui("cli_serving", lang, url=server.url, path=database), flush=True)
    serve(server)
    print(ui("cli_serve_stopped", lang), file=sys.stderr, flush=True)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from harness.exports import RosterError, default_destination, export, read_roster, unmatched
    from harness.report.ui_text import ui

    lang = _language(args.lang)
    out = Path(args.out)
    database = _gradebook_path(out, lang)
    roster = None
    if args.roster:
        roster_path = Path(args.roster)
        if not roster_path.is_file():
            raise CliError(ui("cli_roster_missing", lang, path=roster_path))
        try:
            roster = read_roster(roster_path)
        except (RosterError, UnicodeDecodeError) as exc:
            raise CliError(ui("cli_roster_bad", lang, path=roster_path, detail=exc)) from None
    with Gradebook(database) as gradebook:
        results = gradebook.results()
    missing = unmatched(results, roster)
    if missing:
        names = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
        print(
            ui("cli_roster_unmatched", lang, count=len(missing), names=names),
            file=sys.stderr,
        )
    dest = Path(args.dest) if args.dest else default_destination(out, args.format)
    written = export(results, args.format, dest, roster=roster, lang=lang)
    if args.format != "gradescope":
        for path in written:
            print(ui("cli_wrote", lang, path=path))
    print(ui("cli_export_done", lang, format=args.format, count=len(written), dest=dest))
    return EXIT_OK


def _gradescope_file(
    folder: Path, known: set[str], wanted: str | None, lang: str
) -> tuple[str, Path]:
    """The file to grade in Gradescope's submission folder, and its assignment."""
    from harness.report.ui_text import ui

    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.suffix in (".py", ".ipynb")
        and not any(part.startswith((".", "__")) for part in p.relative_to(folder).parts)
    )
    # a .py file wins over a notebook of the same assignment, a shallower one over a deeper one
    files.sort(key=lambda p: (p.suffix != ".py", len(p.relative_to(folder).parts), str(p)))
    if wanted is not None:
        named = [p for p in files if p.stem == wanted]
        if named:
            return wanted, named[0]
        if len(files) == 1:
            return wanted, files[0]
        raise CliError(
            ui("cli_gs_no_file", lang, path=folder, expected=f"{wanted}.py, {wanted}.ipynb")
        )
    found = sorted({p.stem for p in files if p.stem in known})
    if not found:
        expected = ", ".join(f"{a}.py" for a in sorted(known)) or "?"
        raise CliError(ui("cli_gs_no_file", lang, path=folder, expected=expected))
    if len(found) > 1:
        raise CliError(ui("cli_gs_ambiguous", lang, path=folder, found=", ".join(found)))
    return found[0], next(p for p in files if p.stem == found[0])


def _gradescope_student(folder: Path) -> str:
    """The submitter's e-mail from Gradescope's submission_metadata.json, else 'student'."""
    metadata = folder.parent / "submission_metadata.json"
    try:
        users = json.loads(metadata.read_text(encoding="utf-8")).get("users") or []
        email = str(users[0].get("email") or "").strip()
    except (OSError, ValueError, AttributeError, IndexError, TypeError):
        return "student"
    return email or "student"


def cmd_gradescope(args: argparse.Namespace) -> int:
    from harness.exports import gradescope_result
    from harness.judge.runner import Judge, JudgeOptions
    from harness.outputs import write_atomic
    from harness.report.ui_text import ui

    lang = _language(args.lang)
    folder = Path(args.submission)
    results_path = Path(args.results)
    course = _course(args)
    if not folder.is_dir():
        raise CliError(ui("cli_gs_no_submission", lang, path=folder))
    known = set(course.assignments())
    if args.assignment:
        course.assignment(args.assignment)
    assignment, path = _gradescope_file(folder, known, args.assignment, lang)
    with Judge(course, JudgeOptions(lang=lang)) as judge:
        result = judge.grade_bytes(
            student=_gradescope_student(folder),
            assignment_id=assignment,
            relative=str(path.relative_to(folder)),
            raw=path.read_bytes(),
            suffix=path.suffix,
        )
        incidents = list(judge.incidents)
    data = gradescope_result(result, lang=lang, include_rubric=False)
    write_atomic(results_path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    for incident in incidents:
        print(f"grader error: {incident.check}: {incident.detail}", file=sys.stderr)
    print(
        ui(
            "cli_gs_done",
            lang,
            assignment=assignment,
            score=f"{result.score:g}",
            max=f"{result.max_score:g}",
            path=results_path,
        )
    )
    return EXIT_GRADER_INCIDENTS if incidents else EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from harness.exports import RosterError
    from harness.lms_import import ImportInputError, import_archive, read_lms_roster, summary_lines
    from harness.report.ui_text import ui

    lang = _language(args.lang)
    course = _course(args)
    if args.assignment:
        course.assignment(args.assignment)
    roster = roster_path = None
    if args.roster:
        roster_path = Path(args.roster)
        if not roster_path.is_file():
            raise CliError(ui("cli_roster_missing", lang, path=roster_path))
        try:
            roster = read_lms_roster(roster_path, args.lms)
        except (RosterError, UnicodeDecodeError) as exc:
            raise CliError(ui("cli_roster_bad", lang, path=roster_path, detail=exc)) from None
    to = Path(args.to)
    try:
        manifest = import_archive(
            args.lms,
            Path(args.archive),
            to,
            assignments=course.assignments(),
            roster=roster,
            roster_path=roster_path,
            assignment=args.assignment,
            force=args.force,
            lang=lang,
        )
    except ImportInputError as exc:
        raise CliError(exc.text.render(lang)) from None
    print("\n".join(summary_lines(manifest, to, lang)))
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    print(json.dumps(results_schema(), indent=2, sort_keys=True))
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="grade", description="PCS 5022 grading harness.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {HARNESS_VERSION}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    def common(sub: argparse.ArgumentParser, lang_default: str | None = DEFAULT_LANGUAGE) -> None:
        sub.add_argument(
            "--course", help="course folder (default: found from here, else the harness checkout)"
        )
        sub.add_argument(
            "--lang",
            default=lang_default,
            help="language of messages and reports: pt-BR (default) or en",
        )

    all_ = commands.add_parser("all", help="grade every submission in a folder")
    all_.add_argument("submissions", help="folder with one folder per student")
    all_.add_argument(
        "--out", required=True, help="output folder (gradebook, results.json, grades.csv, report/)"
    )
    all_.add_argument("--force", action="store_true", help="regrade even unchanged submissions")
    all_.add_argument("--only", help="comma-separated assignment ids to grade")
    all_.add_argument(
        "--device", default="cpu", choices=["cpu", "cuda"], help="device for the checks' tensors"
    )
    all_.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=0,
        help="submissions graded in parallel (default: one per core)",
    )
    all_.add_argument(
        "--budgets",
        choices=["reference", "fixed"],
        default="reference",
        help="time limit of each call: derived from the reference solution's time for the same "
        "call (default; measured once per grader version) or the grader's fixed setting",
    )
    all_.add_argument(
        "--cluster",
        metavar="ADDRESS",
        help="grade on a Dask cluster: a scheduler address (tcp://HOST:PORT) or local:N",
    )
    common(all_)
    all_.set_defaults(handler=cmd_all)

    check = commands.add_parser("check", help="run the public checks on one file")
    check.add_argument("assignment")
    check.add_argument("file")
    check.add_argument(
        "--only",
        metavar="EXERCISE",
        help="the public checks of these exercises only (e.g. 2.1, or 2.1,2.3)",
    )
    check.add_argument(
        "--watch", action="store_true", help="run again each time the file is saved (Ctrl+C stops)"
    )
    common(check)
    check.set_defaults(handler=cmd_check)

    new = commands.add_parser("new", help="scaffold a new assignment (reference, grader, tests)")
    new.add_argument("id", help="assignment id, e.g. ch06_convolutions")
    new.add_argument("--title", help="title for the statement (default: from the id)")
    new.add_argument("--course")
    new.set_defaults(handler=cmd_new)

    rel = commands.add_parser("release", help="regenerate stubs, notebooks and public checks")
    rel.add_argument("assignments", nargs="*")
    rel.add_argument("--check", action="store_true", help="only report stale files (exit 1 if any)")
    rel.add_argument(
        "--student",
        metavar="DIR",
        help="write what students receive into DIR (no graders, no solutions; pip-installable)",
    )
    rel.add_argument(
        "--force", action="store_true", help="with --student: replace a previous bundle in DIR"
    )
    rel.add_argument("--course")
    rel.set_defaults(handler=cmd_release)

    similar = commands.add_parser(
        "similarity", help="list pairs of submissions whose code or answers are alike"
    )
    similar.add_argument("out", help="output folder of `grade all` (its gradebook)")
    similar.add_argument(
        "--threshold",
        type=float,
        default=0.5,
        help="share of either file's tokens found in the other (default 0.5)",
    )
    similar.add_argument(
        "--min-tokens", type=int, default=60, help="least shared tokens to list a pair (60)"
    )
    common(similar)
    similar.set_defaults(handler=cmd_similarity)

    report = commands.add_parser("report", help="re-render the reports from OUT/gradebook.sqlite")
    report.add_argument("out")
    report.add_argument("--lang", default=DEFAULT_LANGUAGE)
    report.set_defaults(handler=cmd_report)

    serve_ = commands.add_parser(
        "serve", help="local web app where TAs enter rubric scores (stored in OUT/gradebook.sqlite)"
    )
    serve_.add_argument("out", help="output folder of `grade all` (holds gradebook.sqlite)")
    serve_.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this machine only)",
    )
    serve_.add_argument("--port", type=int, default=0, help="port (default 0: any free port)")
    serve_.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a --host other than loopback (the app has no login: trusted networks only)",
    )
    serve_.add_argument("--lang", default=DEFAULT_LANGUAGE, help="pt-BR (default) or en")
    serve_.set_defaults(handler=cmd_serve)

    export_ = commands.add_parser(
        "export",
        help="grades for Moodle or Canvas (CSV) or Gradescope (results.json per submission)",
    )
    export_.add_argument("out", help="output folder of `grade all` (holds gradebook.sqlite)")
    export_.add_argument("--format", required=True, choices=["moodle", "canvas", "gradescope"])
    export_.add_argument(
        "--roster",
        help="CSV mapping student folders to platform ids: student,name,email,sis_id,login,canvas_id,section",
    )
    export_.add_argument(
        "--dest",
        help="file (moodle, canvas) or folder (gradescope) to write; default OUT/exports/FORMAT.csv or OUT/exports/gradescope/",
    )
    export_.add_argument(
        "--lang", default=DEFAULT_LANGUAGE, help="language of feedback texts: pt-BR (default) or en"
    )
    export_.set_defaults(handler=cmd_export)

    gs = commands.add_parser(
        "gradescope", help="grade a submission inside Gradescope's autograder container"
    )
    gs.add_argument(
        "--submission", default="/autograder/submission", help="folder with the submitted file"
    )
    gs.add_argument(
        "--results", default="/autograder/results/results.json", help="where to write results.json"
    )
    gs.add_argument("--assignment", help="assignment id (default: from the submitted file's name)")
    common(gs)
    gs.set_defaults(handler=cmd_gradescope)

    import_ = commands.add_parser(
        "import", help="turn a Moodle or Canvas submissions download into SUBMISSIONS"
    )
    import_.add_argument("lms", choices=["moodle", "canvas"], help="where the zip comes from")
    import_.add_argument("archive", help="the zip downloaded from the LMS")
    import_.add_argument(
        "--to", required=True, help="submissions folder to fill (one folder per student)"
    )
    import_.add_argument(
        "--roster",
        help="CSV mapping LMS ids to student folders: student plus moodle_id or canvas_id (columns of grade export --roster)",
    )
    import_.add_argument(
        "--assignment", help="assignment id of every file (default: from each file's name)"
    )
    import_.add_argument(
        "--force", action="store_true", help="replace files already in SUBMISSIONS"
    )
    common(import_)
    import_.set_defaults(handler=cmd_import)

    schema = commands.add_parser("schema", help="print the JSON schema of results.json")
    schema.set_defaults(handler=cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except (CliError, CourseError) as exc:
        print(f"grade: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
