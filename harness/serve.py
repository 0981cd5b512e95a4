"""`grade serve OUT`: a local web app where TAs score the written parts (rubric items).

It serves the same pages as the static report, rendered from ``OUT/gradebook.sqlite`` on every
request, with a form per rubric item on the submission pages. A valid POST is stored with
:meth:`Gradebook.set_rubric` and answered with a redirect to the page (post/redirect/get), which
then shows the new value; an invalid one is answered with the page and the error next to the form,
and nothing is stored. After each change ``results.json``, ``grades.csv`` and the static report in
``OUT/report/`` are regenerated, so they stay in sync with the gradebook.

There is no login: the app listens on the loopback interface only (unless ``allow_remote``), and
every POST must carry the per-run form token and come from a page of this site (Host, Origin and
Sec-Fetch-Site are checked), so another web site open in the same browser cannot change grades. Pages
carry a Content-Security-Policy that allows no external resource and no framing.
"""

from __future__ import annotations

import hmac
import ipaddress
import math
import secrets
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from harness.gradebook import Gradebook, RubricError
from harness.i18n import normalize_language
from harness.outputs import grades_csv, read_run_info, write_atomic
from harness.records import RubricResult, SubmissionResult, results_json
from harness.report.render import (
    RubricForm,
    anchor,
    content_security_policy,
    format_points,
    render_error_page,
    render_index,
    render_report,
    render_student,
    render_submission,
)
from harness.report.ui_text import ui

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
MAX_BODY = 64 * 1024
MAX_COMMENT = 10_000
MAX_REVIEWER = 200


class RemoteHostRefused(ValueError):
    """``--host`` names a non-loopback address and remote access was not asked for."""


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def parse_points(raw: str) -> float | None:
    """'1.5', '1,5' (Brazilian decimal comma), ' 2 ' -> float; None when it is not a number."""
    text = raw.strip().replace("\u00a0", "")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@dataclass
class Saved:
    student: str
    assignment: str
    entry: RubricResult


class ReviewApp:
    """What the HTTP handler calls: read pages from the gradebook, validate and store scores."""

    def __init__(self, out: Path, *, lang: str = "pt-BR", title: str = "PCS 5022") -> None:
        self.out = out
        self.database = out / "gradebook.sqlite"
        if not self.database.exists():
            raise FileNotFoundError(self.database)
        self.lang = normalize_language(lang)
        self.title = title
        self.token = secrets.token_urlsafe(32)
        self._write_lock = threading.Lock()
        self.log: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True)

    def t(self, key: str, **values: Any) -> str:
        return ui(key, self.lang, **values)

    # -- reading -----------------------------------------------------------------------------------
    def results(self, *, files: bool = True) -> list[SubmissionResult]:
        with Gradebook(self.database) as gradebook:
            return gradebook.results(files=files)

    def result(self, student: str, assignment: str) -> SubmissionResult | None:
        with Gradebook(self.database) as gradebook:
            return gradebook.result(student, assignment)

    def index_page(self) -> str:
        return render_index(
            self.results(files=False),
            lang=self.lang,
            run=read_run_info(self.out),
            title=self.title,
            served=True,
        )

    def student_page(self, student: str) -> str | None:
        results = [r for r in self.results(files=False) if r.student == student]
        if not results:
            return None
        return render_student(student, results, lang=self.lang, title=self.title, served=True)

    def form(self, **values: Any) -> RubricForm:
        return RubricForm(token=self.token, gradebook=str(self.database), **values)

    def submission_page(self, result: SubmissionResult, form: RubricForm | None = None) -> str:
        return render_submission(result, lang=self.lang, title=self.title, form=form or self.form())

    # -- writing -----------------------------------------------------------------------------------
    def validate(
        self, result: SubmissionResult, fields: dict[str, str]
    ) -> tuple[RubricResult | None, float | None, str | None]:
        """(rubric entry, points, error message in the app's language)."""
        item = fields.get("item", "")
        entry = next((r for r in result.rubric if r.name == item), None)
        if entry is None:
            return None, None, self.t("err_unknown_item", item=item)
        raw = fields.get("points", "")
        if not raw.strip():
            return entry, None, self.t("err_score_missing")
        points = parse_points(raw)
        if points is None:
            return entry, None, self.t("err_score_not_number", got=raw.strip()[:40])
        if points < 0:
            return entry, None, self.t("err_score_negative", got=format_points(points))
        if points > entry.max_points:
            return (
                entry,
                None,
                self.t(
                    "err_score_above_max",
                    got=format_points(points),
                    max=format_points(entry.max_points),
                    item=entry.name,
                ),
            )
        comment = fields.get("comment", "")
        if len(comment) > MAX_COMMENT:
            return (
                entry,
                None,
                self.t("err_comment_too_long", count=len(comment), limit=MAX_COMMENT),
            )
        if len(fields.get("reviewer", "")) > MAX_REVIEWER:
            return entry, None, self.t("err_reviewer_too_long", limit=MAX_REVIEWER)
        return entry, points, None

    def save(
        self, student: str, assignment: str, fields: dict[str, str]
    ) -> tuple[Saved | None, str | None]:
        """Store one rubric score (and regenerate the static outputs), or say why not."""
        with self._write_lock:
            result = self.result(student, assignment)
            if result is None:
                return None, self.t("http_not_found_detail")
            entry, points, error = self.validate(result, fields)
            if error is not None or entry is None or points is None:
                return None, error
            comment = fields.get("comment", "").replace("\r\n", "\n").strip()
            reviewer = fields.get("reviewer", "").strip() or None
            try:
                with Gradebook(self.database) as gradebook:
                    stored = gradebook.set_rubric(
                        student, assignment, entry.name, points, comment, reviewer
                    )
            except RubricError as exc:
                return None, self.t("err_refused", detail=str(exc))
            self.regenerate({(student, assignment)})
        self.log(
            f"grade serve: {student}/{assignment} {entry.name} = {format_points(points)}"
            f"/{format_points(entry.max_points)}"
        )
        return Saved(student, assignment, stored), None

    def regenerate(self, pages: set[tuple[str, str]] | None = None) -> None:
        """results.json, grades.csv and the static report, from the gradebook.

        Submitted files are read only for the submission pages rewritten (``pages``).
        """
        results = sorted(self.results(files=pages is None), key=lambda r: (r.student, r.assignment))
        if pages is not None:
            with Gradebook(self.database) as gradebook:
                full = {(s, a): gradebook.result(s, a) for s, a in pages}
            results = [full.get((r.student, r.assignment)) or r for r in results]
        write_atomic(self.out / "results.json", results_json(results))
        write_atomic(self.out / "grades.csv", grades_csv(results))
        render_report(
            results,
            self.out / "report",
            lang=self.lang,
            run=read_run_info(self.out),
            title=self.title,
            only=pages,
        )


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: ReviewApp, *, allow_remote: bool) -> None:
        import socket

        host = address[0]
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__(address, ReviewHandler)
        self.app = app
        self.host = host
        self.port = self.server_address[1]
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{self.port}/"
        hosts = {"127.0.0.1", "localhost", "[::1]", shown}
        if allow_remote:
            hosts |= {socket.gethostname(), socket.getfqdn()}
        self.allowed_hosts = {f"{h}:{self.port}".lower() for h in hosts}
        self.allowed_origins = {f"http://{h}" for h in self.allowed_hosts}


def make_server(
    out: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    lang: str = "pt-BR",
    allow_remote: bool = False,
    title: str = "PCS 5022",
) -> ReviewServer:
    if not allow_remote and not is_loopback(host):
        raise RemoteHostRefused(host)
    app = ReviewApp(out, lang=lang, title=title)
    return ReviewServer((host, port), app, allow_remote=allow_remote)


class ReviewHandler(BaseHTTPRequestHandler):
    server: ReviewServer
    server_version = "pcs5022-review"
    protocol_version = "HTTP/1.1"

    # -- plumbing ----------------------------------------------------------------------------------
    @property
    def app(self) -> ReviewApp:
        return self.server.app

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: saves and refusals are logged by the app itself."""

    def _send(
        self,
        status: int,
        body: str = "",
        *,
        headers: dict[str, str] | None = None,
        head_only: bool = False,
    ) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header(
            "Content-Security-Policy", content_security_policy(served=True, header=True)
        )
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "same-origin")
        self.send_header("Cache-Control", "no-store")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not head_only:
            self.wfile.write(data)

    def _error(self, status: int, heading: str, detail: str, *, head_only: bool = False) -> None:
        page = render_error_page(
            self.app.t(heading), self.app.t(detail), lang=self.app.lang, title=self.app.title
        )
        self._send(status, page, head_only=head_only)

    def _host_ok(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        return host in self.server.allowed_hosts

    def _route(self) -> tuple[str, ...] | None:
        """('index',), ('student', name) or ('submission', student, assignment)."""
        path = urlsplit(self.path).path
        parts = [unquote(p) for p in path.split("/")[1:]]
        if parts in ([""], ["index.html"]):
            return ("index",)
        if any(p in ("", ".", "..") or "/" in p or "\0" in p for p in parts[:1]):
            return None
        if len(parts) == 2 and parts[1] in ("", "index.html"):
            return ("student", parts[0])
        if len(parts) == 2 and parts[1].endswith(".html") and len(parts[1]) > 5:
            return ("submission", parts[0], parts[1][: -len(".html")])
        return None

    # -- GET ---------------------------------------------------------------------------------------
    def do_HEAD(self) -> None:
        self._get(head_only=True)

    def do_GET(self) -> None:
        self._get(head_only=False)

    def _get(self, *, head_only: bool) -> None:
        if not self._host_ok():
            self._error(
                HTTPStatus.MISDIRECTED_REQUEST,
                "http_forbidden",
                "http_forbidden_detail",
                head_only=head_only,
            )
            return
        route = self._route()
        page: str | None = None
        if route is not None and route[0] == "index":
            page = self.app.index_page()
        elif route is not None and route[0] == "student":
            page = self.app.student_page(route[1])
        elif route is not None and route[0] == "submission":
            result = self.app.result(route[1], route[2])
            if result is not None:
                saved = parse_qs(urlsplit(self.path).query).get("saved", [None])[0]
                page = self.app.submission_page(result, self.app.form(saved=saved))
        if page is None:
            self._error(
                HTTPStatus.NOT_FOUND, "http_not_found", "http_not_found_detail", head_only=head_only
            )
            return
        self._send(HTTPStatus.OK, page, head_only=head_only)

    # -- POST --------------------------------------------------------------------------------------
    def _same_site(self) -> bool:
        if not self._host_ok():
            return False
        origin = (self.headers.get("Origin") or "").strip().lower()
        fetch_site = self.headers.get("Sec-Fetch-Site")
        if fetch_site is not None and fetch_site not in ("same-origin", "none"):
            return False
        if not origin:
            return True
        if origin == "null":
            # what a browser sends under a strict referrer policy; only trusted same-origin
            return fetch_site == "same-origin"
        return origin in self.server.allowed_origins

    def _read_form(self) -> dict[str, str] | None:
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return None
        if length < 0 or length > MAX_BODY:
            return None
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        raw = self.rfile.read(length)
        if content_type != "application/x-www-form-urlencoded":
            return None
        try:
            text = raw.decode("utf-8")
            parsed = parse_qs(text, keep_blank_values=True, max_num_fields=16, errors="strict")
        except (UnicodeDecodeError, ValueError):
            return None
        return {key: values[0] for key, values in parsed.items()}

    def do_POST(self) -> None:
        route = self._route()
        fields = self._read_form()
        if not self._same_site() or (
            fields is not None
            and not hmac.compare_digest(fields.get("token", "").encode(), self.app.token.encode())
        ):
            self.app.log(
                f"grade serve: refused a POST to {self.path[:120]!r} (cross-site or bad token)"
            )
            self.close_connection = True
            self._error(HTTPStatus.FORBIDDEN, "http_forbidden", "http_forbidden_detail")
            return
        if fields is None:
            self.close_connection = True
            self._error(HTTPStatus.BAD_REQUEST, "http_bad_request", "http_bad_request_detail")
            return
        if route is None or route[0] != "submission":
            self._error(HTTPStatus.NOT_FOUND, "http_not_found", "http_not_found_detail")
            return
        student, assignment = route[1], route[2]
        saved, error = self.app.save(student, assignment, fields)
        if saved is not None:
            item = saved.entry.name
            location = (
                f"/{quote(student, safe='')}/{quote(assignment, safe='')}.html"
                f"?saved={quote(item, safe='')}#rubric-{anchor(item)}"
            )
            self._send(HTTPStatus.SEE_OTHER, "", headers={"Location": location})
            return
        result = self.app.result(student, assignment)
        if result is None:
            self._error(HTTPStatus.NOT_FOUND, "http_not_found", "http_not_found_detail")
            return
        item = fields.get("item", "")
        form = self.app.form(
            errors={item: error or ""},
            values={item: {k: fields.get(k, "") for k in ("points", "comment", "reviewer")}},
        )
        self.app.log(f"grade serve: not saved {student}/{assignment} {item[:60]!r}: {error}")
        self._send(HTTPStatus.UNPROCESSABLE_ENTITY, self.app.submission_page(result, form))


def serve(server: ReviewServer) -> None:
    """Serve until interrupted (Ctrl+C)."""
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
