"""The published archive in a real browser: Chromium (Playwright, sync API)
opens the site from disk (file://), filters the person index by country,
event type, year and name, opens a person page and follows a source link to
the "original article", served by a local HTTP server the test starts.

Needs Debian's chromium at /usr/bin/chromium (never `playwright install`);
without it the module is skipped. Screenshots: test-artifacts/screenshots/publish-*.png.
"""
from __future__ import annotations

import http.server
import sys
import threading
from functools import partial
from pathlib import Path

import pytest
from system_needs import playwright_sync_api, require

CHROMIUM = Path("/usr/bin/chromium")
require(CHROMIUM.exists(), "browser tests need Chromium at /usr/bin/chromium (apt-get install chromium)",
        module_level=True)
sync_api = playwright_sync_api()

sys.path.insert(0, str(Path(__file__).resolve().parent))
import publishstore

from khronika.publish.site import publish_site
from khronika.store import open_store

REPO_ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTICLE = ("<!doctype html><html><head><meta charset='utf-8'><title>Original article</title></head>"
           "<body><h1>Пограничники задержали Юлию Емельянову</h1></body></html>")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def article_server(tmp_path_factory):
    """The "original article" a source link points to, on a local HTTP server."""
    root = tmp_path_factory.mktemp("origin")
    (root / "article.html").write_text(ARTICLE, encoding="utf-8")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/article.html"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def site(tmp_path_factory, article_server):
    root = tmp_path_factory.mktemp("published")
    fx = publishstore.build(root / "k.db", article_url=article_server)
    with open_store(fx.db) as store:
        publish_site(store, root / "site", jobs=1)
    return root / "site"


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.console_messages_seen = []
    page.on("console", lambda message: page.console_messages_seen.append(message.text))
    page.on("pageerror", lambda error: page.console_messages_seen.append(f"pageerror: {error}"))
    yield page
    context.close()


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"publish-{name}.png"), full_page=True)


def visible_rows(page) -> list[str]:
    return page.eval_on_selector_all("#persons tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.id)")


def test_filter_index_open_person_and_follow_source(site, page, article_server):
    page.goto((site / "index.html").as_uri())
    shot(page, "chooser")
    page.click("text=Русский")
    assert page.url.endswith("/ru/index.html")

    # The filter form appears only when filter.js ran: under file:// too, and allowed by the CSP.
    page.wait_for_selector("#filters", state="visible")
    assert sorted(visible_rows(page)) == ["p-timur", "p-yulia"]
    assert page.inner_text("#shown") == "Показано людей: 2 из 2"

    page.select_option("select[name=country]", "KG")
    assert visible_rows(page) == ["p-timur"]
    assert page.inner_text("#shown") == "Показано людей: 1 из 2"
    assert "country=KG" in page.url                     # a filtered list can be linked to
    page.select_option("select[name=country]", "")
    page.select_option("select[name=type]", "extradited")
    assert visible_rows(page) == ["p-yulia"]
    page.select_option("select[name=type]", "")
    page.select_option("select[name=year]", "2025")
    assert sorted(visible_rows(page)) == ["p-timur", "p-yulia"]   # Yulia: sentenced 2025
    page.select_option("select[name=country]", "KZ")
    assert visible_rows(page) == []                     # one fact must match every filter
    page.select_option("select[name=year]", "2026")
    assert visible_rows(page) == ["p-yulia"]
    shot(page, "index-filtered")
    page.click("button[type=reset]")
    page.fill("input[name=name]", "emelyanova")
    assert visible_rows(page) == ["p-yulia"]
    page.fill("input[name=name]", "")
    assert len(visible_rows(page)) == 2

    page.click("#persons a[href='persons/p-yulia.html']")
    page.wait_for_selector("ol.timeline")
    assert page.inner_text("h1") == "Юлия Емельянова"
    assert page.locator("li.fact").count() == 3
    assert page.locator("code.hash").first.inner_text() != ""
    shot(page, "person")
    csp_errors = [m for m in page.console_messages_seen if "Content Security Policy" in m or "pageerror" in m]
    assert not csp_errors, csp_errors

    with page.expect_navigation():
        page.click(f"a.source[href='{article_server}']")
    assert page.url == article_server
    assert page.title() == "Original article"
    assert "Емельянову" in page.inner_text("h1")
    shot(page, "source")


def test_english_pages_trends_and_escaping(site, page):
    page.goto((site / "en" / "index.html").as_uri())
    page.wait_for_selector("#filters", state="visible")
    assert page.inner_text("#shown") == "2 of 2 persons shown"
    page.goto((site / "en" / "persons" / "p-timur.html").as_uri())
    # The XSS payload in the evidence and the title is text, not markup.
    assert page.evaluate("window.__xss") is None
    assert "<script>window.__xss=1</script>" in page.inner_text("li.fact")
    page.goto((site / "en" / "trends.html").as_uri())
    assert page.locator("svg.chart rect").count() >= 3
    shot(page, "trends")
    page.goto((site / "en" / "downloads.html").as_uri())
    assert page.locator("#files a[download]").count() == 5
    assert page.locator("#csv-columns tbody tr").count() == 22            # exports.CSV_COLUMNS, destination included
    shot(page, "downloads")
    assert not [m for m in page.console_messages_seen if "Content Security Policy" in m]
