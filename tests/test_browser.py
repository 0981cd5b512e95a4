"""The TA's review in a real headless Chromium: overview, a student's page, a rubric score kept.

The class is the crafted one with written answers and submitted files (``written_class``): the
answer shows next to its item, the submitted ``.py`` and a hostile notebook render inert (no
script runs, no dialog opens, nothing is loaded from elsewhere), and messages link to lines.

Drives Debian's chromium (``apt-get install chromium``; ``PCS_CHROMIUM`` names another binary) with
Playwright's Python API, without Playwright's own browser downloads. Screenshots are saved in the
test's temporary folder (printed with ``-s``), never in the repository.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.review_support import build_out, written_class

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    wanted = os.environ.get("PCS_CHROMIUM")
    if wanted:
        return wanted if Path(wanted).is_file() else shutil.which(wanted)
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


CHROMIUM = find_chromium()
try:
    from playwright.sync_api import Page, sync_playwright
except ImportError:  # pragma: no cover - the lock file installs it
    sync_playwright = None  # type: ignore[assignment]

if CHROMIUM is None:
    pytest.skip(
        "no Chromium found (apt-get install chromium, or set PCS_CHROMIUM)",
        allow_module_level=True,
    )
if sync_playwright is None:
    pytest.skip("the playwright package is not installed", allow_module_level=True)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`grade serve` on a free port over a small graded class; yields (url, OUT)."""
    out = build_out(tmp_path / "out", written_class())
    log = open(tmp_path / "serve.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", "serve", str(out), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in process.stdout],  # type: ignore[union-attr]
        daemon=True,
    ).start()
    try:
        first = lines.get(timeout=60)
    except queue.Empty:
        process.kill()
        log.close()
        pytest.fail("grade serve printed no URL: " + (tmp_path / "serve.log").read_text())
    match = re.search(r"http://127\.0\.0\.1:\d+/", first)
    assert match, first
    try:
        yield match.group(0), out
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def stored(out: Path) -> list[tuple]:
    db = sqlite3.connect(out / "gradebook.sqlite")
    try:
        return db.execute(
            "SELECT student, item, points, comment, reviewer FROM rubric_scores"
        ).fetchall()
    finally:
        db.close()


def shoot(page: Page, folder: Path, name: str, shots: list[Path]) -> None:
    path = folder / name
    page.screenshot(path=str(path), full_page=True)
    shots.append(path)


def test_ta_reviews_in_a_real_browser(served: tuple[str, Path], tmp_path: Path) -> None:
    url, out = served
    shots_dir = tmp_path / "screenshots"
    shots_dir.mkdir()
    shots: list[Path] = []
    problems: list[str] = []
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1200, "height": 900},
        )
        try:
            page = context.new_page()
            page.on(
                "console",
                lambda m: (
                    problems.append(m.text)
                    if m.type == "error" and "status of 422" not in m.text  # the refused score
                    else None
                ),
            )
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
            outside: list[str] = []
            page.on(
                "request",
                lambda r: outside.append(r.url) if not r.url.startswith((url, "data:")) else None,
            )

            # -- the overview ---------------------------------------------------------------------
            page.goto(url)
            assert page.locator("h1").inner_text() == "Visão geral da turma"
            assert page.locator("svg.histogram").count() == 2
            assert (
                page.locator(
                    "section[aria-labelledby=a-ch01_fundamentals] table.most-failed tbody tr"
                ).count()
                == 3
            )
            # keyboard: the first Tab reaches the skip link; the sort buttons work with Enter
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.className") == "skip"
            total = page.locator("#student-table thead th").last
            total.locator("button.sort").focus()
            page.keyboard.press("Enter")
            assert total.get_attribute("aria-sort") == "ascending"
            page.keyboard.press("Enter")
            assert total.get_attribute("aria-sort") == "descending"
            names = page.locator("#student-table tbody th").all_inner_texts()
            assert names[0] == "ana" and names[-1] == "eva", names  # 7/12 first, 0/8 last
            shoot(page, shots_dir, "01-overview.png", shots)

            # -- follow a student link ------------------------------------------------------------
            page.locator('#student-table a[href="bia/ch01_fundamentals.html"]').click()
            page.wait_for_url("**/bia/ch01_fundamentals.html")
            assert page.locator("h1").inner_text() == "bia — ch01_fundamentals"
            assert page.locator("#check-check_a .status").inner_text().strip().endswith("falhou")
            assert page.locator("#check-check_c figure img").count() == 1
            shoot(page, shots_dir, "02-submission.png", shots)

            # -- the written answer beside its item, the submitted file, a message linked to a line
            answer = page.locator("#rubric-essay .answer-body")
            assert answer.is_visible() and answer.locator("strong").inner_text() == "antes"
            assert page.locator("#rubric-essay form").is_visible()  # scoring form below it
            source = page.locator("section.submitted .source")
            assert source.is_visible() and source.locator("[id^=src-L-]").count() == 10
            page.locator("#check-check_c a.to-source").click()
            assert page.evaluate("location.hash") == "#src-L-2"
            assert page.evaluate("document.querySelector(':target').id") == "src-L-2"
            assert page.locator("#src-L-2").is_visible()
            shoot(page, shots_dir, "02b-submitted-file.png", shots)

            # -- enter a rubric score and a comment -------------------------------------------------
            page.fill("#points-essay", "1,5")
            page.fill("#comment-essay", "Boa análise, <b>faltou</b> o segundo caso.")
            page.fill("#reviewer-essay", "Rita")
            page.locator("#rubric-essay button[type=submit]").click()
            page.wait_for_url("**/bia/ch01_fundamentals.html?saved=essay*")
            assert (
                page.locator("#rubric-essay [role=status]").inner_text()
                == "Gravado: essay = 1.5 / 2."
            )
            page.reload()
            assert page.locator("#rubric-essay .pts").inner_text() == "1.5 / 2"
            assert page.locator("#points-essay").input_value() == "1.5"
            assert (
                page.locator("#comment-essay").input_value()
                == "Boa análise, <b>faltou</b> o segundo caso."
            )
            assert (
                page.locator("#rubric-essay .rubric-comment").inner_text()
                == "Boa análise, <b>faltou</b> o segundo caso."
            )
            assert stored(out) == [
                ("bia", "essay", 1.5, "Boa análise, <b>faltou</b> o segundo caso.", "Rita")
            ]
            shoot(page, shots_dir, "03-rubric-saved.png", shots)

            # -- an invalid score is refused, with the error next to the form -----------------------
            page.fill("#points-essay", "3")
            page.locator("#rubric-essay button[type=submit]").click()
            page.wait_for_load_state()
            error = page.locator("#rubric-essay .form-error")
            assert "a nota 3 está acima do máximo de 2 para essay" in error.inner_text()
            assert page.locator("#points-essay").get_attribute("aria-invalid") == "true"
            shoot(page, shots_dir, "04-rubric-invalid.png", shots)
            page.goto(url + "bia/ch01_fundamentals.html")
            assert page.locator("#rubric-essay .pts").inner_text() == "1.5 / 2"
            assert stored(out)[0][2] == 1.5

            # -- a hostile notebook: rendered (cells, outputs, the figure), and inert -----------
            page.goto(url + "ana/ch02_feedforward.html")
            notebook = page.locator("section.submitted .source.notebook")
            assert notebook.locator("[id^=src-cell-]").count() == 4
            figure = notebook.locator(".output_png img")
            assert figure.is_visible()
            assert page.evaluate("(img) => img.naturalWidth", figure.element_handle()) == 4
            assert (
                page.locator("#rubric-discussion .answer-body strong").inner_text() == "capacidade"
            )
            assert page.evaluate("document.scripts.length") == 1  # the report's own sort script
            assert (
                page.locator(
                    "section.submitted a[href^=javascript], section.submitted form"
                ).count()
                == 0
            )
            shoot(page, shots_dir, "04b-notebook.png", shots)

            # -- the static report follows, and reads without a server or JavaScript ---------------
            offline = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                plain = offline.new_page(java_script_enabled=False)
                plain.goto((out / "report" / "index.html").as_uri())
                assert plain.locator("#student-table tbody tr").count() == 5
                plain.locator('a[href="bia/ch01_fundamentals.html"]').click()
                assert plain.locator("#rubric-essay .pts").inner_text() == "1.5 / 2"
                assert plain.locator("form").count() == 0
                shoot(plain, shots_dir, "05-static-report-without-js.png", shots)
            finally:
                offline.close()
        finally:
            context.close()
    assert not problems, problems  # no script error, no blocked resource (CSP), no dialog
    assert not outside, outside  # nothing requested from anywhere but the review app
    for path in shots:
        assert path.stat().st_size > 1000
    print("\nscreenshots:\n" + "\n".join(str(p) for p in shots))
