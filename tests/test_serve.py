"""`grade serve`: rubric scores entered in the web app are validated, stored, kept and exported."""

from __future__ import annotations

import csv
import http.client
import io
import json
import re
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup

from harness.cli import main
from harness.gradebook import Gradebook
from harness.serve import RemoteHostRefused, ReviewServer, is_loopback, make_server, parse_points
from tests.review_support import SECRET_MARKER, build_out, make_result, tiny_class, tiny_course

PAGE = "/bia/ch01_fundamentals.html"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ReviewServer]:
    build_out(tmp_path / "out")
    srv = make_server(tmp_path / "out", port=0, lang="en")
    srv.app.log = lambda line: None
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def request(
    srv: ReviewServer,
    method: str,
    path: str,
    body: dict[str, str] | str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, str], str]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=10)
    data = None
    sent = {"Host": f"127.0.0.1:{srv.port}"}
    if body is not None:
        data = (body if isinstance(body, str) else urlencode(body)).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    sent.update(headers or {})
    conn.request(method, path, body=data, headers=sent)
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, text


def post(srv: ReviewServer, path: str = PAGE, **fields: str) -> tuple[int, dict[str, str], str]:
    form = {"token": srv.app.token, "item": "essay", "comment": "", "reviewer": ""}
    form.update(fields)
    origin = {"Origin": f"http://127.0.0.1:{srv.port}", "Sec-Fetch-Site": "same-origin"}
    return request(srv, "POST", path, form, origin)


def stored(out: Path) -> list[tuple]:
    db = sqlite3.connect(out / "gradebook.sqlite")
    try:
        return db.execute(
            "SELECT student, assignment, item, points, comment, reviewer FROM rubric_scores"
        ).fetchall()
    finally:
        db.close()


def test_pages_are_served_with_forms_and_a_strict_policy(server: ReviewServer) -> None:
    status, headers, html = request(server, "GET", "/")
    assert status == 200 and "Class overview" in html
    assert "default-src 'none'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["cache-control"] == "no-store"
    status, _, html = request(server, "GET", "/bia/index.html")
    assert status == 200 and "ch01_fundamentals.html" in html
    status, _, html = request(server, "GET", PAGE)
    page = BeautifulSoup(html, "html.parser")
    form = page.select_one("#rubric-essay form")
    assert form["method"] == "post"
    assert form.select_one("input[name=token]")["value"] == server.app.token
    for field in ("points", "comment", "reviewer"):
        control = form.select_one(f"[name={field}]")
        assert form.select_one(f"label[for={control['id']}]"), field  # every control is labelled
    assert request(server, "GET", "/nobody/ch01_fundamentals.html")[0] == 404
    assert request(server, "GET", "/bia/ch09.html")[0] == 404
    assert request(server, "GET", "/../../etc/passwd")[0] == 404
    assert request(server, "HEAD", "/")[0] == 200


def test_a_valid_score_is_stored_shown_and_exported(server: ReviewServer) -> None:
    out = server.app.out
    status, headers, _ = post(
        server, points="1,5", comment="Clear <b>argument</b>.", reviewer="TA Rita"
    )
    assert status == 303
    location = headers["location"]
    assert location == "/bia/ch01_fundamentals.html?saved=essay#rubric-essay"
    assert stored(out) == [
        ("bia", "ch01_fundamentals", "essay", 1.5, "Clear <b>argument</b>.", "TA Rita")
    ]
    # post/redirect/get: the page shows the new value, escaped, and says it was saved
    _, _, html = request(server, "GET", urlsplit(location).path + "?" + urlsplit(location).query)
    item = BeautifulSoup(html, "html.parser").select_one("#rubric-essay")
    assert item.select_one(".pts").get_text(strip=True) == "1.5 / 2"
    assert item.select_one("[role=status]").get_text() == "Saved: essay = 1.5 / 2."
    assert "Clear &lt;b&gt;argument&lt;/b&gt;." in html
    assert item.select_one("input[name=points]")["value"] == "1.5"
    # the static outputs follow the gradebook
    rows = list(csv.DictReader(io.StringIO((out / "grades.csv").read_text())))
    bia = next(r for r in rows if r["student"] == "bia")
    assert bia["ch01_fundamentals_rubric"] == "1.5" and bia["ch01_fundamentals_total"] == "5.5"
    results = json.loads((out / "results.json").read_text())
    entry = next(
        r for r in results if r["student"] == "bia" and r["assignment"] == "ch01_fundamentals"
    )
    assert entry["rubric"][0]["points"] == 1.5 and entry["total_score"] == 5.5
    static = (out / "report" / "bia" / "ch01_fundamentals.html").read_text()
    assert "Clear &lt;b&gt;argument&lt;/b&gt;." in static and "<form" not in static
    # a second save replaces the first
    assert post(server, points="2")[0] == 303
    assert stored(out)[0][3] == 2.0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"points": "3"}, "the score 3 is above the maximum of 2 for essay."),
        ({"points": "-1"}, "the score cannot be negative (got -1)."),
        ({"points": "abc"}, "the score must be a number (got 'abc')."),
        ({"points": "nan"}, "the score must be a number (got 'nan')."),
        ({"points": "inf"}, "the score must be a number (got 'inf')."),
        ({"points": " "}, "enter a score."),
        (
            {"points": "1", "item": "no_such_item"},
            "this assignment has no rubric item 'no_such_item'.",
        ),
        ({"points": "1", "comment": "x" * 10_001}, "the comment is too long"),
    ],
)
def test_invalid_input_is_refused_with_a_message_and_nothing_stored(
    server: ReviewServer, fields: dict[str, str], message: str
) -> None:
    status, _, html = post(server, **fields)
    assert status == 422
    page = BeautifulSoup(html, "html.parser")
    error = page.select_one(".form-error")
    assert error is not None and error["role"] == "alert" and message in error.get_text()
    if fields.get("item", "essay") == "essay":
        # next to the right form, the entered value kept, the field marked invalid
        points = page.select_one("#rubric-essay input[name=points]")
        assert points["aria-invalid"] == "true" and points["value"] == fields["points"]
    assert stored(server.app.out) == []


def test_an_invalid_score_keeps_the_previous_one(server: ReviewServer) -> None:
    assert post(server, points="1", comment="first")[0] == 303
    assert post(server, points="2.5", comment="second")[0] == 422
    assert stored(server.app.out) == [("bia", "ch01_fundamentals", "essay", 1.0, "first", None)]


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null", "Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Host": "evil.example"},
        {"Host": "localhost.evil.example:80"},
    ],
)
def test_cross_site_posts_are_refused(server: ReviewServer, headers: dict[str, str]) -> None:
    form = {"token": server.app.token, "item": "essay", "points": "1"}
    status, _, html = request(server, "POST", PAGE, form, headers)
    assert status == 403 and "nothing was stored" in html
    assert stored(server.app.out) == []


def test_a_post_without_the_form_token_is_refused(server: ReviewServer) -> None:
    same = {"Origin": f"http://127.0.0.1:{server.port}"}
    assert request(server, "POST", PAGE, {"item": "essay", "points": "1"}, same)[0] == 403
    assert (
        request(server, "POST", PAGE, {"token": "guess", "item": "essay", "points": "1"}, same)[0]
        == 403
    )
    assert request(server, "POST", PAGE, "token=%ff%fe&points=1", same)[0] == 400
    assert stored(server.app.out) == []


def test_foreign_host_names_are_refused_for_pages_too(server: ReviewServer) -> None:
    # DNS rebinding: a page from another site that resolves to 127.0.0.1 sends its own Host
    assert request(server, "GET", "/", headers={"Host": "attacker.example"})[0] == 421
    assert request(server, "GET", "/", headers={"Host": f"localhost:{server.port}"})[0] == 200


def test_only_loopback_unless_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build_out(tmp_path / "out")
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.0.10")
    with pytest.raises(RemoteHostRefused):
        make_server(tmp_path / "out", host="0.0.0.0")
    assert main(["serve", str(tmp_path / "out"), "--host", "0.0.0.0", "--lang", "en"]) == 2
    assert "refusing to listen on 0.0.0.0" in capsys.readouterr().err
    assert main(["serve", str(tmp_path / "nothing")]) == 2
    assert "não contém gradebook.sqlite" in capsys.readouterr().err


def test_student_names_with_url_characters(tmp_path: Path) -> None:
    name = "ana.souza+2@usp"
    build_out(tmp_path / "out", [make_result(name)])
    srv = make_server(tmp_path / "out", port=0)
    srv.app.log = lambda line: None
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        _, _, index = request(srv, "GET", "/")
        href = BeautifulSoup(index, "html.parser").select_one("#student-table td a")["href"]
        assert href == "ana.souza%2B2%40usp/ch01_fundamentals.html"
        assert request(srv, "GET", "/" + href)[0] == 200
        status, headers, _ = post(srv, "/" + href, points="2")
        assert status == 303 and headers["location"].startswith("/" + href + "?saved=essay")
        assert stored(srv.app.out) == [(name, "ch01_fundamentals", "essay", 2.0, "", None)]
        assert (tmp_path / "out" / "report" / name / "ch01_fundamentals.html").is_file()
    finally:
        srv.shutdown()
        srv.server_close()


def test_parse_points_accepts_a_decimal_comma() -> None:
    assert (
        parse_points("1,5") == 1.5 and parse_points(" 2 ") == 2.0 and parse_points("0.25") == 0.25
    )
    assert (
        parse_points("1,000.5") is None and parse_points("nan") is None and parse_points("") is None
    )


@pytest.mark.slow
def test_rubric_survives_regrading_end_to_end(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The one real `grade all`: grade, score a rubric item in the app, regrade with --force."""
    course = tiny_course(tmp_path / "course")
    submissions = tiny_class(tmp_path / "class")
    out = tmp_path / "out"
    argv = ["all", str(submissions), "--out", str(out), "--course", str(course), "-j", "1"]
    assert main(argv) == 0, capsys.readouterr().err
    srv = make_server(out, lang="pt-BR")
    srv.app.log = lambda line: None
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        status, _, _ = post(
            srv, "/ana/tiny.html", points="1,5", comment="Boa explicação.", reviewer="Rita"
        )
        assert status == 303
    finally:
        srv.shutdown()
        srv.server_close()
    assert main([*argv, "--force"]) == 0
    assert "graded 2, unchanged 0" in capsys.readouterr().err
    with Gradebook(out / "gradebook.sqlite") as gradebook:
        ana = gradebook.result("ana", "tiny")
    assert ana is not None and ana.rubric[0].points == 1.5 and ana.total_score == 4.5
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO((out / "grades.csv").read_text()))}
    assert rows["ana"]["tiny_auto"] == "3" and rows["ana"]["tiny_rubric"] == "1.5"
    assert rows["ana"]["tiny_total"] == "4.5" and rows["bia"]["tiny_total"] == "1"
    page = (out / "report" / "ana" / "tiny.html").read_text()
    assert "Boa explicação." in page and "Rita" in page and "hello from ana" in page
    bia = BeautifulSoup((out / "report" / "bia" / "tiny.html").read_text(), "html.parser")
    hidden = bia.select_one("#check-check_double_negative_hidden")
    assert (
        "oculta" in hidden.get_text()
        and "double(-3) deveria ser -6, obteve 6." in hidden.get_text()
    )
    # hidden checks never show their source, anywhere in OUT
    assert main(["export", str(out), "--format", "gradescope"]) == 0
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".csv"):
            text = path.read_text(encoding="utf-8")
            assert SECRET_MARKER not in text and "ctx.student" not in text, path
    assert re.search(r"tiny,?", (out / "grades.csv").read_text())
