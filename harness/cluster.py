"""Grading on a Dask cluster (``grade all --cluster tcp://HOST:PORT`` or ``--cluster local:N``).

The coordinator (the machine running ``grade all``) keeps everything that matters: it reads the
submissions, sends each one's bytes to a Dask worker, receives the pydantic result record and
stores it in its own gradebook, as ``-j`` does. A worker runs the harness's own judge, sandbox
included, on its machine. It never sees the gradebook or the other submissions.

The course folder (graders, reference solutions, released files, fixtures) is packed once,
named by its content hash, scattered to every worker and unpacked into a per-hash cache
folder there. Every task carries the coordinator's harness hash and course hash, and a worker whose
installed harness differs refuses the task with a message that says so. A judge needs its zygote
to stay alive, and ``PR_SET_PDEATHSIG`` kills a child when the *thread* that started it ends.
Each worker process therefore runs its judge in one long-lived thread of its own
(:class:`JudgeHost`), never in Dask's task threads.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import queue
import shutil
import tarfile
import tempfile
import threading
from collections.abc import Iterator
from concurrent.futures import Future as LocalFuture
from dataclasses import asdict
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from harness.course import Course, SubmissionFile
from harness.records import SubmissionResult
from harness.version import HARNESS_VERSION

#: the parts of a course folder a judge reads (graders/ holds the fixtures too)
COURSE_PARTS = ("graders", "reference_solutions", "assignments")
HARNESS_ROOT = Path(__file__).resolve().parent
CACHE_ROOT = Path(os.environ.get("PCS_CLUSTER_CACHE", Path(tempfile.gettempdir()) / "pcs-cluster"))


class ClusterError(RuntimeError):
    """The cluster cannot grade this run (unreachable, or workers that do not match)."""


class GradeRequest(BaseModel):
    """One submission as it crosses the network to a worker."""

    model_config = ConfigDict(frozen=True)

    student: str
    assignment: str
    relative: str
    suffix: str
    raw: bytes
    course_hash: str
    harness_hash: str
    lang: str
    device: str
    #: budget each call from the reference's time for it (measured on the worker's machine)
    derive_budgets: bool = True


class GradeReply(BaseModel):
    """What comes back: the result record (as JSON), grader incidents and who graded it."""

    result_json: str
    incidents: list[dict[str, str]]
    worker: str


# -- hashes and the course archive ------------------------------------------------------------


def _files(root: Path) -> list[Path]:
    found = []
    for part in COURSE_PARTS:
        base = root / part
        if base.is_dir():
            found += [
                p
                for p in base.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
            ]
    return sorted(found)


def _digest(root: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def course_hash(root: Path) -> str:
    """Content hash of the course folder's graders, references, released files and fixtures."""
    return _digest(root, _files(root))


@functools.cache
def harness_hash() -> str:
    """The installed harness: its version and the content of every module (read once per
    process: a worker checks it on every task)."""
    files = sorted(p for p in HARNESS_ROOT.rglob("*.py") if "__pycache__" not in p.parts)
    return HARNESS_VERSION + "-" + _digest(HARNESS_ROOT, files)[:16]


def pack_course(root: Path) -> bytes:
    """The course folder's graded parts as a gzipped tar (what is shipped to each worker)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path in _files(root):
            archive.add(path, arcname=path.relative_to(root).as_posix())
    return buffer.getvalue()


def unpack_course(archive: bytes, digest: str, cache_root: Path = CACHE_ROOT) -> Path:
    """The course folder for ``digest`` on this machine, unpacked once (atomically) and checked."""
    target = cache_root / "courses" / digest
    if target.is_dir():
        return target
    cache_root.joinpath("courses").mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{digest[:12]}-", dir=cache_root / "courses"))
    try:
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            tar.extractall(staging, filter="data")
        if course_hash(staging) != digest:
            raise ClusterError(f"the course archive does not match its hash {digest[:12]}")
        try:
            staging.rename(target)
        except OSError:  # another worker process on this machine got there first
            if not target.is_dir():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


# -- worker side ------------------------------------------------------------------------------


class JudgeHost:
    """A judge living in its own thread of a worker process, fed through a queue."""

    def __init__(
        self, course_root: Path, lang: str, device: str, derive_budgets: bool = True
    ) -> None:
        self._requests: queue.Queue[tuple[GradeRequest | None, LocalFuture]] = queue.Queue()
        self._ready: LocalFuture = LocalFuture()
        self._thread = threading.Thread(
            target=self._serve,
            args=(course_root, lang, device, derive_budgets),
            name="pcs-judge",
            daemon=True,
        )
        self._thread.start()
        self._ready.result()

    def _serve(self, course_root: Path, lang: str, device: str, derive_budgets: bool) -> None:
        try:
            from harness import fixtures
            from harness.judge.runner import Judge, JudgeOptions
            from harness.parallel import one_torch_thread

            one_torch_thread()

            fixtures.FIXTURE_DIR = course_root / "graders" / "fixtures"
            fixtures.PROVENANCE = fixtures.FIXTURE_DIR / "provenance.json"
            options = JudgeOptions(
                lang=lang,
                device=device,
                cache_dir=course_root / ".cache",
                derive_budgets=derive_budgets,
            )
            judge = Judge(Course(course_root), options)
            judge.launcher.warm_up()
        except BaseException as error:  # reported to the waiting task
            self._ready.set_exception(error)
            return
        self._ready.set_result(None)
        while True:
            request, reply = self._requests.get()
            if request is None:  # close: stop the judge's workers and zygote from this thread
                judge.close()
                reply.set_result(None)
                return
            try:
                result = judge.grade_bytes(
                    student=request.student,
                    assignment_id=request.assignment,
                    relative=request.relative,
                    raw=request.raw,
                    suffix=request.suffix,
                )
                incidents = [{k: str(v) for k, v in asdict(i).items()} for i in judge.incidents]
                judge.incidents.clear()
                reply.set_result((result, incidents))
            except BaseException as error:  # the task re-raises it
                reply.set_exception(error)

    def grade(self, request: GradeRequest) -> tuple[SubmissionResult, list[dict[str, str]]]:
        reply: LocalFuture = LocalFuture()
        self._requests.put((request, reply))
        return reply.result()

    def close(self) -> None:
        reply: LocalFuture = LocalFuture()
        self._requests.put((None, reply))
        reply.result(timeout=30)


_HOSTS: dict[tuple[str, str, str, bool], JudgeHost] = {}
_HOSTS_LOCK = threading.Lock()


def grade_on_worker(request: GradeRequest, course_archive: bytes) -> GradeReply:
    """The Dask task: refuse a mismatched harness, unpack the course, grade with the host judge."""
    mine = harness_hash()
    if request.harness_hash != mine:
        raise ClusterError(
            f"worker {os.uname().nodename} (pid {os.getpid()}) runs harness {mine}, the "
            f"coordinator runs {request.harness_hash}: install the same harness on every worker"
        )
    root = unpack_course(course_archive, request.course_hash)
    key = (request.course_hash, request.lang, request.device, request.derive_budgets)
    with _HOSTS_LOCK:
        host = _HOSTS.get(key)
        if host is None:
            host = _HOSTS[key] = JudgeHost(root, *key[1:])
    result, incidents = host.grade(request)
    return GradeReply(
        result_json=result.model_dump_json(by_alias=True),
        incidents=incidents,
        worker=f"{os.uname().nodename}:{os.getpid()}",
    )


def close_hosts() -> int:
    """Close this worker process's judges (their sandboxed workers and zygotes); run on every
    worker at the end of a run so that no process outlives it."""
    with _HOSTS_LOCK:
        hosts = list(_HOSTS.values())
        _HOSTS.clear()
    for host in hosts:
        host.close()
    return len(hosts)


# -- coordinator side -------------------------------------------------------------------------


def parse_cluster(spec: str) -> tuple[str, int | None]:
    """``tcp://host:port`` (an existing scheduler) or ``local:N`` (a LocalCluster of N workers)."""
    if spec.startswith("local:"):
        try:
            workers = int(spec.split(":", 1)[1])
        except ValueError:
            workers = 0
        if workers < 1:
            raise ClusterError(f"--cluster {spec}: say how many local workers, e.g. local:2")
        return "local", workers
    if "://" not in spec:
        raise ClusterError(
            f"--cluster {spec}: give a scheduler address (tcp://HOST:PORT) or local:N"
        )
    return spec, None


class ClusterRun:
    """A connection to a Dask scheduler (or a LocalCluster it started) for one ``grade all``."""

    def __init__(self, spec: str, course: Course, *, timeout_s: float = 30.0) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as error:  # pragma: no cover - distributed is pinned
            raise ClusterError(
                "--cluster needs Dask's distributed package: pip install 'distributed'"
            ) from error
        address, workers = parse_cluster(spec)
        self._cluster = None
        try:
            if workers is not None:
                self._cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                )
                address = self._cluster.scheduler_address
            self.client = Client(address, timeout=timeout_s)
        except (OSError, TimeoutError) as error:
            self.close()
            raise ClusterError(f"--cluster {spec}: cannot reach the scheduler: {error}") from error
        self.address = address
        self.course_hash = course_hash(course.root)
        self.harness_hash = harness_hash()
        archive = pack_course(course.root)
        self._archive = self.client.scatter(archive, broadcast=True, hash=False)
        self.archive_bytes = len(archive)

    def workers(self) -> int:
        return len(self.client.scheduler_info(n_workers=-1).get("workers", {}))

    def grade(
        self,
        submissions: list[SubmissionFile],
        *,
        lang: str,
        device: str,
        derive_budgets: bool = True,
    ) -> Iterator[tuple[SubmissionFile, SubmissionResult, list[dict[str, str]], str]]:
        """Yield each submission's result as it arrives (any order). A task lost with its worker
        is run again elsewhere by the scheduler; a mismatched worker stops the run."""
        from distributed import as_completed

        futures = {}
        for submission in submissions:
            request = GradeRequest(
                student=submission.student,
                assignment=submission.assignment,
                relative=submission.relative,
                suffix=submission.path.suffix,
                raw=submission.path.read_bytes(),
                course_hash=self.course_hash,
                harness_hash=self.harness_hash,
                lang=lang,
                device=device,
                derive_budgets=derive_budgets,
            )
            future = self.client.submit(
                grade_on_worker,
                request,
                self._archive,
                pure=False,
                key=f"grade-{submission.student}-{submission.assignment}-{os.urandom(4).hex()}",
            )
            futures[future] = submission
        for future in as_completed(list(futures)):
            submission = futures.pop(future)
            try:
                reply = future.result()
            except ClusterError:
                for rest in futures:
                    rest.cancel()
                raise
            reply = GradeReply.model_validate(reply)
            yield (
                submission,
                SubmissionResult.model_validate_json(reply.result_json),
                reply.incidents,
                reply.worker,
            )

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            with contextlib.suppress(Exception):  # a worker that died cannot be asked
                client.run(close_hosts)
            client.close()
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def __enter__(self) -> ClusterRun:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
