"""Browser tests of `khronika serve`: a real server process over a real store,
driven by Chromium through Playwright (sync API). No mocks.

The module builds one store (two corpus files plus a document carrying an
XSS payload, ingested through the CLI, and one account per role), starts
`khronika serve` on a free port, and each test opens its own browser context
(its own cookies) and logs in through the login form like a person would.
Tests pick their own events and persons, so they pass in any order.

Needs Debian's chromium at /usr/bin/chromium (no `playwright install`);
without it the module is skipped, and under CI=true it fails
(tests/system_needs.py). Screenshots of the main pages go to
test-artifacts/screenshots/.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from pgserver import child_db
from system_needs import playwright_sync_api, require

CHROMIUM = Path("/usr/bin/chromium")
require(CHROMIUM.exists(), "browser tests need Chromium at /usr/bin/chromium (apt-get install chromium)",
        module_level=True)
sync_api = playwright_sync_api()

REPO_ROOT = Path(__file__).resolve().parents[1]
CORPUS = REPO_ROOT / "corpus"
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

PASSWORD = "browser-test-password"
USERS = {"admin": "admin", "lawyer": "lawyer", "monitor": "monitor", "viewer": "viewer"}

SCRIPT_PAYLOAD = "<script>window.__xss=1</script>"
IMG_PAYLOAD = '<img src=x onerror="window.__xss=2">'
XSS_NAME = "Иван Петров"
XSS_DOCUMENT = (
    "Задержание в аэропорту Алматы\n\n"
    f"Пограничники задержали Ивана Петрова {SCRIPT_PAYLOAD} {IMG_PAYLOAD} в аэропорту Алматы "
    "3 марта 2026 года. Россия добивается его экстрадиции.\n"
)
# The subject of the case-file privacy test: a person of the news feed.
PRIVATE_NAME = "Ержан Сапаров"
DEADLINE_NAME = "Юлия Емельянова"
STAMP = str(int(time.time()))
PRIVATE = {"summary": f"PRIVATE-SUMMARY-{STAMP}", "note": f"PRIVATE-NOTE-{STAMP}",
           "deadline": f"PRIVATE-DEADLINE-{STAMP}", "task": f"PRIVATE-TASK-{STAMP}"}
PRIVATE_STATUS = "safe_abroad"
PRIVATE_STATUS_LABELS = ("safe_abroad", "safe abroad", "в безопасности за рубежом")

PROCESS_TIMEOUT = 180


# ---------------------------------------------------------------- the server

def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("KHRONIKA_DB", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


def khronika(*args, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "khronika", *map(str, args)], cwd=cwd,
                          env=env or cli_env(), capture_output=True, text=True, encoding="utf-8",
                          timeout=PROCESS_TIMEOUT, check=False)
    assert proc.returncode == 0, f"khronika {args}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Site:
    def __init__(self, base_url: str, db: Path, log: Path):
        self.base_url, self.db, self.log = base_url, db, log

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("web-browser")
    db = root / "khronika.db"
    xss = root / "xss-alert-2026.ru.txt"
    xss.write_text(XSS_DOCUMENT, encoding="utf-8")
    khronika("ingest", CORPUS / "kz-extraditions-2026.ru.txt", CORPUS / "news-feed-2026.jsonl", xss,
             "--db", child_db(db), cwd=root)
    for username, role in USERS.items():
        khronika("users", "add", username, "--role", role, "--password-env", "KHRONIKA_TEST_PASSWORD",
                 "--db", child_db(db), cwd=root, env=cli_env(KHRONIKA_TEST_PASSWORD=PASSWORD))
    port = free_port()
    log = root / "server.log"
    with log.open("w") as log_file:
        server = subprocess.Popen([sys.executable, "-m", "khronika", "serve", "--db", child_db(db),
                                   "--port", str(port)], cwd=root, env=cli_env(),
                                  stdout=log_file, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"khronika serve exited {server.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(base_url + "/login", timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"khronika serve did not answer on {base_url} in 60 s:\n{log.read_text()}")
            time.sleep(0.2)
        yield Site(base_url, db, log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def browser(site):
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_context(browser, site):
    """A factory of fresh browser contexts (separate cookie jars), closed after the test.
    Russian is the browser's language, as for the app's main users."""
    opened = []

    def make(**options):
        options = {"base_url": site.base_url, "locale": "ru-RU",
                   "viewport": {"width": 1280, "height": 900}} | options
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


def login(context, username: str):
    """Log in through the login form; returns the page, now on the home page."""
    page = context.new_page()
    response = page.goto("/login")
    assert response.status == 200
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert "/login" not in page.url, f"login as {username} failed: {page.inner_text('main')}"
    assert page.locator("header .who").count() == 1, f"after login as {username}: {page.url} {page.content()}"
    assert username in page.inner_text("header .who")
    return page


def api_login(context, username: str) -> str:
    """Log this context in through the JSON API; returns the session's CSRF token."""
    response = context.request.post("/api/login", data={"username": username, "password": PASSWORD})
    assert response.status == 200, response.text()
    return response.json()["csrf_token"]


def api_json(context, path: str):
    response = context.request.get(path)
    assert response.status == 200, f"GET {path}: {response.status} {response.text()[:300]}"
    return response.json()


def person_id(context, name: str) -> str:
    found = [p for p in api_json(context, f"/api/persons?q={quote(name)}") if p["name"] == name]
    assert found, f"no person {name!r} in the store"
    return found[0]["id"]


def pending_events(context) -> list[dict]:
    return api_json(context, "/api/review?limit=200")["events"]


# ---------------------------------------------------------------- 1: review

def test_monitor_confirms_an_event_and_sees_it_confirmed_on_the_person_page(new_context):
    context = new_context()
    page = login(context, "monitor")
    page.click("header nav a[href='/review']")
    assert page.url.endswith("/review")
    first = page.locator("article.review").first
    event_id = first.get_attribute("id").removeprefix("event-")
    evidence = first.locator("blockquote").inner_text().strip()
    person_href = first.locator(".head a").first.get_attribute("href")
    assert evidence and person_href.startswith("/persons/")
    total_before = api_json(context, "/api/review")["total"]

    with page.expect_navigation():
        first.locator("button[name=decision][value=confirmed]").click()
    assert "/review" in page.url
    assert page.locator(f"article#event-{event_id}").count() == 0, "the confirmed event is still in the queue"
    assert api_json(context, "/api/review")["total"] == total_before - 1

    page.goto(person_href)
    confirmed = page.locator("li.fact.confirmed").filter(has_text=evidence)
    assert confirmed.count() >= 1, f"no confirmed fact with {evidence!r} on {person_href}"
    tag = confirmed.first.locator(".head .tag.ok")
    assert tag.inner_text().strip() == "подтверждено"
    # The evidence sentence is the marked part of its context.
    assert evidence in confirmed.first.locator("blockquote").first.inner_text()


# ---------------------------------------------------------------- 2: privacy

def test_viewer_sees_no_case_file_data_anywhere(new_context):
    lawyer = new_context()
    csrf = api_login(lawyer, "lawyer")
    pid = person_id(lawyer, PRIVATE_NAME)
    headers = {"X-CSRF-Token": csrf}
    response = lawyer.request.put(f"/api/cases/{pid}", headers=headers,
                                  data={"status": PRIVATE_STATUS, "summary": PRIVATE["summary"]})
    assert response.status == 200, response.text()
    due = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    for path, body in ((f"/api/cases/{pid}/notes", {"body": PRIVATE["note"]}),
                       (f"/api/cases/{pid}/deadlines", {"title": PRIVATE["deadline"], "due": due}),
                       (f"/api/cases/{pid}/tasks", {"title": PRIVATE["task"], "due": due})):
        response = lawyer.request.post(path, headers=headers, data=body)
        assert response.status == 201, f"POST {path}: {response.status} {response.text()}"
    case = api_json(lawyer, f"/api/cases/{pid}")
    assert case["summary"] == PRIVATE["summary"] and case["status"] == PRIVATE_STATUS
    assert [n["body"] for n in case["notes"]] == [PRIVATE["note"]]

    # A monitor confirms one of the person's events, so viewers may see the person.
    monitor = new_context()
    csrf = api_login(monitor, "monitor")
    mine = [e for e in pending_events(monitor) if e["person_id"] == pid]
    assert mine, f"{PRIVATE_NAME} has no pending event"
    response = monitor.request.post(f"/api/events/{mine[0]['id']}/review", headers={"X-CSRF-Token": csrf},
                                    data={"decision": "confirmed"})
    assert response.status == 200, response.text()
    confirmed_evidence = mine[0]["evidence"]

    viewer = new_context()
    page = login(viewer, "viewer")
    nav = [a.get_attribute("href") for a in page.locator("header nav a").all()]
    assert set(nav) == {"/", "/search", "/trends"}, f"a viewer's nav: {nav}"
    surname = PRIVATE_NAME.split()[1][:-2]                 # "Сапар": matches Сапарова, Сапаровым...
    visited: dict[str, str] = {}

    def visit(path: str) -> None:
        response = page.goto(path)
        assert response.status == 200, f"viewer GET {path}: {response.status}"
        visited[path] = page.content()

    for path in ["/", *nav, f"/search?q={quote(surname)}", f"/search?q={quote('PRIVATE')}",
                 f"/search?person={pid}", "/trends", f"/persons/{pid}"]:
        visit(path)
    # The person is listed and their confirmed fact is shown: the checks below are not vacuous.
    assert PRIVATE_NAME in visited["/"]
    assert page.locator("li.fact.confirmed").filter(has_text=confirmed_evidence).count() == 1
    assert page.locator("li.fact.pending").count() == 0
    assert page.locator("a.button[href^='/cases/']").count() == 0
    for href in {a.get_attribute("href").split("#")[0]
                 for a in page.locator("ol.timeline a[href^='/documents/']").all()
                 if not a.get_attribute("href").endswith("/snapshot")}:
        visit(href)
    assert any(path.startswith("/documents/") for path in visited)
    for path in ("/api/persons", f"/api/persons/{pid}", f"/api/search?q={quote(surname)}", "/api/trends",
                 "/api/me"):
        response = viewer.request.get(path)
        assert response.status == 200, f"viewer GET {path}: {response.status}"
        visited[path] = response.text()
    assert any(p["id"] == pid for p in json.loads(visited["/api/persons"]))

    for path, content in visited.items():
        for secret in (*PRIVATE.values(), *PRIVATE_STATUS_LABELS):
            assert secret not in content, f"{secret!r} leaks to a viewer on {path}"

    for path in (f"/cases/{pid}", f"/cases/{pid}/dossier", "/dashboard", "/review", "/audit"):
        response = page.goto(path)
        assert response.status == 403, f"viewer GET {path}: {response.status}"
        content = page.content()
        assert not any(secret in content for secret in PRIVATE.values())
    for path in (f"/api/cases/{pid}", "/api/dashboard", "/api/review", "/api/audit"):
        response = viewer.request.get(path)
        assert response.status == 403, f"viewer GET {path}: {response.status}"
        assert not any(secret in response.text() for secret in PRIVATE.values())


# ---------------------------------------------------------------- 3: deadlines

def test_lawyer_adds_a_deadline_on_the_case_page_and_sees_it_on_the_dashboard(new_context):
    context = new_context()
    page = login(context, "lawyer")
    pid = person_id(context, DEADLINE_NAME)
    page.goto(f"/persons/{pid}")
    with page.expect_navigation():
        page.click(f"a.button[href='/cases/{pid}']")
    assert page.url.endswith(f"/cases/{pid}")

    title = f"Апелляция на решение об экстрадиции {STAMP}"
    due = dt.date.today() + dt.timedelta(days=2)
    form = page.locator(f"form[action='/cases/{pid}/deadlines']")
    form.locator("input[name=title]").fill(title)
    form.locator("input[name=due]").fill(due.isoformat())
    form.locator("input[name=remind_days]").fill("5")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    row = page.locator("#deadlines tr").filter(has_text=title)
    assert row.count() == 1, page.inner_text("main")
    assert due.isoformat() in row.inner_text() and "5" in row.inner_text()

    page.click("header nav a[href='/dashboard']")
    row = page.locator("#due-deadlines tbody tr").filter(has_text=title)
    assert row.count() == 1, page.inner_text("#due-deadlines")
    text = row.inner_text()
    assert due.isoformat() in text and DEADLINE_NAME in text
    assert row.get_attribute("class") == "remind"            # 2 days left, reminded 5 days before
    assert row.locator(f"a[href='/cases/{pid}']").count() == 1


# ---------------------------------------------------------------- 4: XSS

def assert_inert(page, where: str) -> None:
    assert page.evaluate("typeof window.__xss") == "undefined", f"the payload ran on {where}"
    assert page.locator("script").count() == 0, f"a script element on {where}"
    assert page.locator("main img").count() == 0, f"an img element from the payload on {where}"
    assert page.locator("[onerror]").count() == 0, f"an onerror attribute on {where}"
    assert SCRIPT_PAYLOAD in page.inner_text("main"), f"the payload is not shown as text on {where}"


def test_a_document_with_an_xss_payload_renders_inert(new_context):
    # The CSP alone would stop inline scripts; bypass it so that the escaping is what is tested.
    context = new_context(bypass_csp=True)
    page = login(context, "monitor")
    pid = person_id(context, XSS_NAME)
    events = api_json(context, f"/api/persons/{pid}")["timeline"]
    doc_id = events[0]["sources"][0]["document_id"]

    page.goto(f"/documents/{doc_id}")
    assert_inert(page, "the document page")
    assert IMG_PAYLOAD in page.inner_text(".doc-text")
    assert SCRIPT_PAYLOAD in page.inner_text(".doc-text mark")     # the evidence sentence, marked

    page.goto(f"/persons/{pid}")
    assert_inert(page, "the person page")
    assert SCRIPT_PAYLOAD in page.locator("li.fact").first.inner_text()

    page.goto("/search")
    page.fill("main form.filters input[name=q]", "Пограничники Петрова")
    with page.expect_navigation():
        page.click("main form.filters button[type=submit]")
    hit = page.locator("ol.hits li").filter(has=page.locator(f"a[href='/documents/{doc_id}']"))
    assert hit.count() == 1, page.inner_text("main")
    assert_inert(page, "the search results")
    assert SCRIPT_PAYLOAD in hit.locator("blockquote").inner_text()

    page.goto("/review")
    assert page.evaluate("typeof window.__xss") == "undefined"
    # The only scripts are the app's own files (static/review.js): none inline, none from the text.
    assert page.locator("script:not([src])").count() == 0
    assert {s.get_attribute("src") for s in page.locator("script").all()} == {"/static/review.js"}


# ---------------------------------------------------------------- 5: CSRF

def test_a_form_post_without_the_csrf_token_is_refused(new_context):
    context = new_context()
    page = login(context, "monitor")
    event = pending_events(context)[-1]
    event_id = event["id"]

    # A form built in the page, the way another site's page would post it: no token.
    page.goto("/review")
    with page.expect_navigation() as navigation:
        page.evaluate("""(eventId) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = "/review/" + encodeURIComponent(eventId);
            const field = document.createElement("input");
            field.name = "decision"; field.value = "confirmed";
            form.appendChild(field);
            document.body.appendChild(form);
            form.submit();
        }""", event_id)
    assert navigation.value.status == 403
    assert "CSRF" in page.inner_text("main")

    # The same post with the session cookie but a wrong or missing token.
    for form in ({"decision": "confirmed"}, {"decision": "confirmed", "csrf_token": "forged"}):
        response = context.request.post(f"/review/{event_id}", form=form, max_redirects=0)
        assert response.status == 403, f"{form}: {response.status}"
    assert any(e["id"] == event_id for e in pending_events(context)), "the event left the queue"
    events = api_json(context, f"/api/persons/{event['person_id']}")["timeline"]
    assert not any(event_id in fact["event_ids"] and fact["confirmed"] for fact in events)

    # With the page's token the same post goes through (the refusal was the token's doing).
    page.goto("/review")
    token = page.locator("form.decide input[name=csrf_token]").first.input_value()
    response = context.request.post(f"/review/{event_id}", form={"decision": "rejected", "csrf_token": token},
                                    max_redirects=0)
    assert response.status == 303
    assert not any(e["id"] == event_id for e in pending_events(context))


# ---------------------------------------------------------------- 6: screenshots, language

def test_screenshots_of_the_main_pages(new_context):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    anonymous = new_context()
    page = anonymous.new_page()
    assert page.goto("/").url.endswith("/login?next=%2F")
    shots = {"login": page}
    page.screenshot(path=SCREENSHOTS / "login.png", full_page=True)

    context = new_context()
    page = login(context, "admin")
    pid = person_id(context, PRIVATE_NAME)
    pages = {
        "persons": "/", "person": f"/persons/{pid}", "search": f"/search?q={quote('экстрадиция')}",
        "trends": "/trends", "review": "/review", "case": f"/cases/{pid}", "dashboard": "/dashboard",
        "dossier": f"/cases/{pid}/dossier", "audit": "/audit",
    }
    for name, path in pages.items():
        response = page.goto(path)
        assert response.status == 200, f"admin GET {path}: {response.status}"
        assert page.locator("main h1").count() == 1, f"no heading on {path}"
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
        shots[name] = page
    assert page.locator("table.audit tbody tr").count() > 0      # the tests' own changes are audited
    for name in shots:
        shot = SCREENSHOTS / f"{name}.png"
        assert shot.stat().st_size > 5_000, f"{shot} looks empty"


def test_switching_the_language_to_english(new_context):
    context = new_context()
    page = login(context, "monitor")
    assert "Очередь проверки" in page.inner_text("header nav")
    with page.expect_navigation():
        page.click("header a.lang[href='?lang=en']")
    assert "Review queue" in page.inner_text("header nav")
    assert page.locator("html").get_attribute("lang") == "en"
    # The choice sticks (a cookie) on the next page.
    page.click("header nav a[href='/review']")
    assert page.inner_text("main h1") == "Review queue"
    assert page.locator("button[name=decision][value=confirmed]").first.inner_text() == "Confirm"


def test_api_docs_render_offline_under_the_csp(new_context, site):
    # Swagger UI from the app's own packaged copy: every request stays on this
    # origin, no CSP violation is reported, and the operations are listed.
    context = new_context()
    page = context.new_page()
    requests, console = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    page.goto("/api/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() >= 10
    assert "/api/persons" in page.inner_text("#swagger-ui")
    assert requests and all(url.startswith(site.base_url + "/") for url in requests), requests
    assert not [text for text in console if "Content Security Policy" in text], console
