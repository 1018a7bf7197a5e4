"""A reviewer's day in Chromium (issue 13, items 1-2), in Russian and in
English: filter the queue, confirm a selection with the keyboard, review
one document (an edit), review one person (a rejection), find the other
record of the same person by typing, look at the merge preview, choose the
canonical name, confirm, and split the merge back.

A real `khronika serve` over a store written by tests/webstore.py (no NLP
models), driven by Debian's /usr/bin/chromium through Playwright; every
process is stopped in `finally`. Screenshots go to
test-artifacts/screenshots/review-*.png (CI keeps test-artifacts/).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import webstore
from pgserver import child_db
from system_needs import playwright_sync_api, require

from khronika.model import Person

CHROMIUM = Path("/usr/bin/chromium")
require(CHROMIUM.exists(), "browser tests need Chromium at /usr/bin/chromium (apt-get install chromium)",
        module_level=True)
sync_api = playwright_sync_api()

REPO_ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TWIN_NAME = "Юлия Емельяновa"          # the same woman, recorded under another spelling
TWIN_LATIN = "Yuliya Emelyanova"

WORDS = {
    "ru": {"left": "Ждут проверки событий: 3.", "matching": "Подходят под фильтры: 1.", "edited": "исправлено",
           "rejected": "отклонено", "split": "Разделить обратно", "confirm": "Подтвердить объединение"},
    "en": {"left": "3 events await review.", "matching": "1 match these filters.", "edited": "edited",
           "rejected": "rejected", "split": "Split back", "confirm": "Confirm the merge"},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _build(db: Path) -> dict:
    ids = webstore.build(db)
    from khronika.store import open_store
    with open_store(db) as store:
        twin = Person(id="p-yulia-2", name=TWIN_NAME, name_latin=TWIN_LATIN, role="subject",
                      gender="f", attributes={"citizenship": "RU"})
        doc = webstore._doc("kz-3", f"В Алматы задержана журналистка {TWIN_NAME}. Её отпустили.", "2026-01-29")
        ids["twin_event"] = webstore.add(store, doc, twin, f"В Алматы задержана журналистка {TWIN_NAME}.",
                                         "detained", "2026-01-27", "Алматы")
        ids["twin"] = twin.id
        store.review_event(ids["twin_event"], "confirmed", "admin")    # leaves three in the queue
        from khronika.store import schema
        with store._writing() as connection:     # the records disagree on citizenship
            connection.execute(schema.persons.update().where(schema.persons.c.id == ids["yulia"])
                               .values(attributes={"citizenship": "KZ"}))
    return ids


@pytest.fixture
def server(tmp_path):
    db = tmp_path / "review.db"
    ids = _build(db)
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    env.pop("KHRONIKA_DB", None)
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "khronika", "serve", "--db", child_db(db), "--port", str(port)],
                               cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"khronika serve exited {process.returncode}: {(tmp_path / 'server.log').read_text()}")
            try:
                with urllib.request.urlopen(base + "/login", timeout=2):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail("khronika serve did not answer in 60 s")
                time.sleep(0.2)
        yield base, ids
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@pytest.fixture
def page_of(server):
    base, _ = server
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            def make(language: str):
                context = browser.new_context(base_url=base, locale="ru-RU" if language == "ru" else "en-US",
                                              viewport={"width": 1280, "height": 900})
                context.set_default_timeout(10_000)
                return context.new_page()
            yield make
        finally:
            browser.close()


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"review-{name}.png"
    page.screenshot(path=path, full_page=True)
    assert path.stat().st_size > 5_000, f"{path} looks empty"


@pytest.mark.parametrize("language", ["ru", "en"])
def test_a_reviewer_finishes_a_person_and_a_document_and_merges_safely(server, page_of, language):
    _, ids = server
    words = WORDS[language]
    page = page_of(language)
    problems = []
    # Script errors, CSP refusals, and failed loads other than the browser's own favicon request.
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    page.goto(f"/login?lang={language}")
    page.fill("input[name=username]", "monitor")
    page.fill("input[name=password]", webstore.PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")

    # 1. The queue, filtered to one person and one type; what is left is counted.
    page.goto("/review")
    assert words["left"] in page.inner_text("#left")
    assert page.locator("#shortcuts kbd").count() == 6          # j k c r e x
    page.fill("form.filters input[name=person]", "Юлия Емельянова")
    page.select_option("form.filters select[name=type]", "detained")
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert words["matching"] in page.inner_text("#left")
    assert page.locator("article.review").count() == 1
    _shot(page, f"queue-{language}")

    # 2. Keyboard: j selects the first item, x checks it; the selection's button confirms it.
    page.keyboard.press("j")
    assert "current" in page.locator("article.review").first.get_attribute("class")
    page.keyboard.press("x")
    assert page.locator(f"article#event-{ids['detained']} input[type=checkbox]").is_checked()
    with page.expect_navigation():
        page.click("form#bulk button[value=confirmed]")
    assert page.locator("article.review").count() == 0            # the filter's only event is done

    # 3. One document: its text beside its facts, the evidence marked; an edit with e.
    page.goto(f"/review/documents/{ids['documents'][1]}")
    assert "Суд в Астане выдал Юлию Емельянову России." in page.inner_text("#doc-text mark")
    page.keyboard.press("j")
    page.keyboard.press("e")
    item = page.locator(f"#event-{ids['extradited']}")
    assert item.locator("details.edit").get_attribute("open") is not None
    item.locator("input[name=date]").fill("2026-02-08")
    _shot(page, f"document-{language}")
    with page.expect_navigation():
        item.locator("button[value=confirmed]").click()
    assert page.locator(f"#event-{ids['extradited']} .tag").inner_text().strip() == words["edited"]

    # 4. One person, from the person page: reject a fact in place.
    page.goto(f"/persons/{ids['timur']}")
    with page.expect_navigation():
        page.click("#review-person")
    assert page.url.endswith(f"/review/persons/{ids['timur']}")
    with page.expect_navigation():
        page.locator("li.fact.review").first.locator("button[value=rejected]").click()
    assert page.locator("li.fact.review").count() == 0            # a rejected fact leaves the timeline

    # 5. Merge: the other record found by typing (no list of everyone), a preview, a name chosen.
    page.goto(f"/review/persons/{ids['yulia']}")
    with page.expect_navigation():
        page.click(f"a[href='/persons/{ids['yulia']}/merge']")
    page.locator("#merge-q").press_sequentially("Емельяновa", delay=30)
    candidate = page.locator(f"#merge-candidates a[href='/persons/{ids['yulia']}/merge/{ids['twin']}']")
    candidate.wait_for()
    with page.expect_navigation():
        candidate.click()
    assert page.locator("#merged-timeline li.joined").count() == 1      # the two detentions become one line
    assert page.locator("#canonical-name input[type=radio]:checked").count() == 0   # no default name
    page.check(f"#canonical-name input[value='{TWIN_NAME}']")
    page.check("#conflicts tr[data-attribute=citizenship] input[value=other]")       # KZ or RU: RU
    _shot(page, f"merge-preview-{language}")
    with page.expect_navigation():
        page.click(f"button:has-text('{words['confirm']}')")
    assert page.locator("ul.merges li").count() == 1
    page.goto(f"/persons/{ids['yulia']}")
    assert page.inner_text("main h1") in (TWIN_NAME, TWIN_LATIN)       # English pages put the Latin name first
    assert "RU" in page.inner_text("dl.facts")
    assert page.goto(f"/persons/{ids['twin']}").url.endswith(f"/persons/{ids['yulia']}")   # redirected

    # 6. Undo: split back restores the other record with its events.
    page.goto(f"/persons/{ids['yulia']}/merge")
    _shot(page, f"merged-{language}")
    with page.expect_navigation():
        page.click(f"ul.merges button:has-text('{words['split']}')")
    assert page.url.endswith(f"/persons/{ids['twin']}")
    assert page.inner_text("main h1") in (TWIN_NAME, TWIN_LATIN)
    assert page.locator("li.fact").count() == 1
    page.goto(f"/persons/{ids['yulia']}")
    assert page.inner_text("main h1") in ("Юлия Емельянова", "Yulia Emelyanova")
    assert not problems, problems                                       # no script error, no CSP refusal
