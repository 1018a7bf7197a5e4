"""Tests for khronika.sources: feeds, pages, Telegram previews and folders fetched
from a real local HTTP server (127.0.0.1, a free port), with the failures that
real sources produce. Async code runs through asyncio.run in plain test functions.
"""
from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import os
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from khronika.model import SourceConfig
from khronika.sources import PRIVATE_ADDRESS, FetchError, PollResult, SafeClient, canonical_url, poll
from khronika.sources.robots import RobotsRules
from khronika.sources.safety import is_public_address

MB = 2**20

# --- fixture content ----------------------------------------------------------------------

ARTICLE_1 = """<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">
<title>В Алматы задержали журналиста</title>
<meta property="article:published_time" content="2026-02-03T09:00:00+05:00"></head>
<body><nav><a href="/">Главная</a> | <a href="/news">Новости</a></nav>
<article><h1>В Алматы задержали журналиста</h1>
<p>В аэропорту Алматы в понедельник задержали российского журналиста Ивана Петрова по запросу Москвы.</p>
<p>Его адвокат сообщил, что Петрову грозит экстрадиция в Россию, где против него возбуждено уголовное дело.</p>
<p>Правозащитники призвали власти Казахстана не выдавать журналиста.</p>
</article><footer>© Новости 2026</footer></body></html>"""

ARTICLE_2 = """<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">
<title>Суд в Бишкеке отказал в экстрадиции</title></head>
<body><article><h1>Суд в Бишкеке отказал в экстрадиции</h1>
<p>Суд в Бишкеке отказал в экстрадиции активистки Юлии Емельяновой, которую разыскивала Россия.</p>
<p>Она была освобождена из-под стражи в зале суда после решения судьи.</p>
</article></body></html>"""

CP1251_PAGE = """<html><head><title>Депортация из Грузии</title></head><body><article>
<p>Власти Грузии депортировали в Россию оппозиционного активиста Семёна Кузнецова.</p>
<p>По словам его жены, он был задержан на границе и передан российским пограничникам.</p>
</article></body></html>""".encode("cp1251")

PRIVATE_PAGE = "<html><body><article><p>" + "Закрытая страница о задержании правозащитника в Ташкенте. " * 3 + \
    "</p></article></body></html>"

ETAG = '"rss-v1"'
LAST_MODIFIED = formatdate(1770000000, usegmt=True)


def rss_feed(base: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Новости правозащиты</title><link>{base}/</link><language>ru</language>
<item><title>Суд в Бишкеке отказал в экстрадиции</title><link>{base}/go/2</link>
  <guid isPermaLink="false">rss-2</guid><pubDate>Wed, 04 Feb 2026 12:00:00 +0300</pubDate>
  <description>Суд отказал в выдаче активистки.</description></item>
<item><title>В Алматы задержали журналиста</title><link>{base}/articles/1?utm_source=rss</link>
  <guid isPermaLink="false">rss-1</guid><pubDate>Tue, 03 Feb 2026 10:00:00 +0300</pubDate>
  <description>Журналиста задержали в аэропорту.</description></item>
<item><title>Удалённая статья</title><link>{base}/articles/deleted</link>
  <guid isPermaLink="false">rss-3</guid><pubDate>Mon, 02 Feb 2026 08:00:00 +0300</pubDate>
  <description>&lt;p&gt;В Ереване задержали &lt;b&gt;Олега Смирнова&lt;/b&gt; по запросу России.&lt;/p&gt;</description></item>
</channel></rss>"""


def atom_feed(base: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Хроника</title><id>tag:khronika.test,2026:feed</id>
<updated>2026-02-03T10:00:00Z</updated>
<entry><title>В Алматы задержали журналиста</title><id>tag:khronika.test,2026:atom-1</id>
  <link href="{base}/articles/1"/><updated>2026-02-03T10:00:00Z</updated>
  <summary>Журналиста задержали.</summary></entry>
</feed>"""


def cp1251_feed() -> bytes:
    return """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Лента</title>
<item><title>Депортация</title><guid>cp-1</guid>
<description>Власти Грузии депортировали активиста Семёна Кузнецова.</description></item>
</channel></rss>""".encode("cp1251")


HALF_BROKEN_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Полусломанная лента</title>
<item><title>Хорошая запись</title><guid>hb-1</guid>
<description>В Стамбуле задержали блогера Андрея Волкова.</description></item>
<item><title>Сломанная <b>запись</title><guid>hb-2</guid><description>Текст обрывается
"""

MALFORMED_FEED = "Это не лента <<< &&& >>>"

ROBOTS = "User-agent: *\nDisallow: /private/\n\nUser-agent: OtherBot\nDisallow: /\n"


def telegram_message(channel: str, number: int, text: str, *, forwarded: str | None = None,
                     reply: str | None = None) -> str:
    forward = (f'<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from '
               f'<a class="tgme_widget_message_forwarded_from_name" href="https://t.me/x">{forwarded}</a></div>'
               if forwarded else "")
    replied = (f'<a class="tgme_widget_message_reply" href="https://t.me/{channel}/1">'
               f'<div class="tgme_widget_message_text js-message_reply_text">{reply}</div></a>' if reply else "")
    body = (f'<div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>' if text else
            '<a class="tgme_widget_message_photo_wrap" href="#"></a>')
    minute = number % 60
    return (f'<div class="tgme_widget_message_wrap js-widget_message_wrap">'
            f'<div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="{channel}/{number}">'
            f'<div class="tgme_widget_message_bubble">{forward}{replied}{body}'
            f'<div class="tgme_widget_message_footer"><a class="tgme_widget_message_date" '
            f'href="https://t.me/{channel}/{number}"><time datetime="2026-02-03T10:{minute:02d}:00+00:00" '
            f'class="time">10:{minute:02d}</time></a></div></div></div></div>')


def telegram_page(channel: str, messages: dict[int, str], before: int | None, page_size: int = 3) -> str:
    ids = sorted(n for n in messages if before is None or n < before)[-page_size:]
    return ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Channel</title></head><body>'
            '<div class="tgme_channel_info"></div><section class="tgme_channel_history js-message_history">'
            + "".join(messages[n] for n in ids) + "</section></body></html>")


# --- the server ------------------------------------------------------------------------------

class Fixture:
    def __init__(self):
        self.requests: list[tuple[str, dict]] = []
        self.robots_hits = 0
        self.active = 0
        self.max_active = 0
        self.lock = threading.Lock()
        self.channel: dict[int, str] = {}
        self.base = ""

    def seen(self, path: str) -> list[dict]:
        return [headers for p, headers in self.requests if p == path]


class Handler(BaseHTTPRequestHandler):
    fixture: Fixture

    def log_message(self, *args):
        pass

    def send(self, status: int, body: bytes | str = b"", content_type: str = "text/html; charset=utf-8",
             headers: dict | None = None) -> None:
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        f = self.fixture
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        with f.lock:
            f.requests.append((path, {k.lower(): v for k, v in self.headers.items()}))
        try:
            self.route(f, path, query)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def route(self, f: Fixture, path: str, query: dict) -> None:
        base = f.base
        if path == "/robots.txt":
            with f.lock:
                f.robots_hits += 1
            return self.send(200, ROBOTS, "text/plain")
        if path == "/feed.rss":
            if self.headers.get("If-None-Match") == ETAG:
                return self.send(304, b"", None, {"ETag": ETAG})
            return self.send(200, rss_feed(base), "application/rss+xml; charset=utf-8",
                             {"ETag": ETAG, "Last-Modified": LAST_MODIFIED})
        if path == "/feed.atom":
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                return self.send(304, b"", None)
            return self.send(200, atom_feed(base), "application/atom+xml", {"Last-Modified": LAST_MODIFIED})
        if path == "/cp1251.rss":
            return self.send(200, cp1251_feed(), "application/rss+xml; charset=utf-8")
        if path == "/halfbroken.rss":
            return self.send(200, HALF_BROKEN_FEED, "application/rss+xml")
        if path == "/malformed.rss":
            return self.send(200, MALFORMED_FEED, "application/rss+xml")
        if path == "/articles/1":
            return self.send(200, ARTICLE_1)
        if path == "/articles/2":
            return self.send(200, ARTICLE_2)
        if path == "/go/2":
            return self.send(302, b"", None, {"Location": "/articles/2"})
        if path == "/cp1251-as-utf8":
            return self.send(200, CP1251_PAGE, "text/html; charset=utf-8")
        if path == "/cp1251-no-charset":
            return self.send(200, CP1251_PAGE, "text/html")
        if path == "/private/page":
            return self.send(200, PRIVATE_PAGE)
        if path == "/error500":
            return self.send(500, "<h1>Internal Server Error</h1>")
        if path == "/slow":
            time.sleep(3)
            return self.send(200, ARTICLE_1)
        if path == "/loop/a":
            return self.send(302, b"", None, {"Location": f"{base}/loop/b"})
        if path.startswith("/chain/"):
            return self.send(302, b"", None, {"Location": f"/chain/{int(path.rsplit('/', 1)[1]) + 1}"})
        if path == "/loop/b":
            return self.send(301, b"", None, {"Location": "/loop/a"})
        if path == "/huge":
            # 20 MB, generated as it is sent, with no Content-Length: the cap must
            # stop the stream, not a header.
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"
            for _ in range(20 * MB // len(chunk)):
                self.wfile.write(chunk)
            return None
        if path == "/bomb":
            return self.send(200, BOMB, "text/html", {"Content-Encoding": "gzip"})
        if path.startswith("/busy/"):
            with f.lock:
                f.active += 1
                f.max_active = max(f.max_active, f.active)
            time.sleep(0.15)
            with f.lock:
                f.active -= 1
            return self.send(200, ARTICLE_1)
        if path == "/s/chan":
            before = int(query["before"][0]) if "before" in query else None
            return self.send(200, telegram_page("chan", f.channel, before))
        if path == "/s/nochannel":
            return self.send(200, "<html><body><div class='tgme_page'>Not a channel</div></body></html>")
        return self.send(404, "<h1>Not Found</h1>")


BOMB = gzip.compress(b"\0" * (30 * MB), compresslevel=9)


@pytest.fixture(scope="module")
def server():
    fixture = Fixture()
    handler = type("BoundHandler", (Handler,), {"fixture": fixture})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    fixture.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield fixture
    httpd.shutdown()
    httpd.server_close()


def feed(url: str, **kw) -> SourceConfig:
    return SourceConfig(url=url, kind="feed", local=True, **kw)


def run(coro):
    return asyncio.run(coro)


async def poll_once(source: SourceConfig, state: dict | None = None, seen: set | None = None,
                    **client_options) -> PollResult:
    async with SafeClient(**client_options) as client:
        return await poll(source, state or {}, seen or set(), client)


# --- helpers without a server ------------------------------------------------------------------

def test_canonical_url():
    assert canonical_url("HTTPS://News.Example.ORG:443/a/b/?utm_source=tg&b=2&a=1&fbclid=x&gclid=y#top") == \
        "https://news.example.org/a/b?a=1&b=2"
    assert canonical_url("http://example.org/") == canonical_url("http://EXAMPLE.org")
    assert canonical_url("http://example.org:8080/x/") == "http://example.org:8080/x"
    assert canonical_url("/home/me/reports/a.txt") == "/home/me/reports/a.txt"


def test_robots_rules_longest_match_and_own_group():
    rules = RobotsRules.parse("User-agent: *\nDisallow: /news/\nAllow: /news/public/\nDisallow: /*.pdf$\n"
                              "\nUser-agent: Googlebot\nDisallow: /\n", "khronika")
    assert rules.allowed("/") and rules.allowed("/about")
    assert not rules.allowed("/news/1") and rules.allowed("/news/public/1")
    assert not rules.allowed("/files/report.pdf") and rules.allowed("/files/report.pdf?x=1")
    own = RobotsRules.parse("User-agent: *\nDisallow: /\n\nUser-agent: Khronika\nDisallow: /secret\n", "khronika")
    assert own.allowed("/news") and not own.allowed("/secret/1")


def test_public_addresses():
    assert is_public_address("93.184.216.34") and is_public_address("2606:2800:220:1::1")
    for address in ("127.0.0.1", "10.1.2.3", "192.168.0.1", "172.16.5.5", "169.254.169.254", "0.0.0.0",
                    "::1", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "100.64.0.1", "64:ff9b::7f00:1"):
        assert not is_public_address(address), address


def test_fetch_error_names_the_source():
    error = FetchError(SourceConfig(url="https://example.org/rss", kind="feed"), "HTTP 500 Internal Server Error")
    assert str(error) == "https://example.org/rss: HTTP 500 Internal Server Error"


# --- feeds --------------------------------------------------------------------------------------

def test_rss_feed_articles_fallback_and_conditional_get(server):
    source = feed(f"{server.base}/feed.rss", name="Новости")
    result = run(poll_once(source))
    assert result.error is None, result.error
    by_key = {item.item_key: item for item in result.items}
    assert list(by_key) == ["rss-3", "rss-1", "rss-2"]          # oldest first

    first = by_key["rss-1"]
    assert first.url == f"{server.base}/articles/1"               # canonical: utm_source dropped
    assert first.final_url == f"{server.base}/articles/1?utm_source=rss"
    assert first.status == 200 and first.headers["content-type"].startswith("text/html")
    assert first.raw == ARTICLE_1.encode() and first.sha256 == hashlib.sha256(first.raw).hexdigest()
    assert "задержали российского журналиста Ивана Петрова" in first.text
    assert "Главная" not in first.text and "©" not in first.text   # boilerplate gone
    assert first.title == "В Алматы задержали журналиста"
    assert first.published == "2026-02-03T10:00:00+03:00"
    assert first.language == "ru" and first.source_id == source.id
    assert first.captured_at.endswith("Z") and len(first.captured_at) == 20

    redirected = by_key["rss-2"]                                   # /go/2 -> /articles/2
    assert redirected.final_url == f"{server.base}/articles/2"
    assert "отказал в экстрадиции активистки Юлии Емельяновой" in redirected.text

    fallback = by_key["rss-3"]                                     # the article is gone: the summary
    assert fallback.text == "В Ереване задержали Олега Смирнова по запросу России."
    assert fallback.media_type == "application/json" and json.loads(fallback.raw)["id"] == "rss-3"
    assert [w for w in result.warnings if "/articles/deleted: HTTP 404" in w and "summary" in w]

    json.dumps(result.state)
    assert result.state == {"etag": ETAG, "last_modified": LAST_MODIFIED}
    again = run(poll_once(source, result.state, set(by_key)))
    assert again.error is None and again.items == [] and again.state == result.state
    assert server.seen("/feed.rss")[-1]["if-none-match"] == ETAG

    # Without conditional state but with everything seen: nothing new either.
    assert run(poll_once(source, {}, set(by_key))).items == []
    # Only one entry unseen: only it is fetched.
    only = run(poll_once(source, {}, {"rss-1", "rss-2"}))
    assert [item.item_key for item in only.items] == ["rss-3"]


def test_atom_feed_and_if_modified_since(server):
    source = feed(f"{server.base}/feed.atom")
    result = run(poll_once(source))
    assert result.error is None, result.error
    [item] = result.items
    assert item.item_key == "tag:khronika.test,2026:atom-1"
    assert item.published == "2026-02-03T10:00:00+00:00"
    assert "Ивана Петрова" in item.text
    again = run(poll_once(source, result.state, {item.item_key}))
    assert again.items == [] and again.error is None
    assert server.seen("/feed.atom")[-1]["if-modified-since"] == LAST_MODIFIED


def test_feed_in_wrong_charset_is_read(server):
    result = run(poll_once(feed(f"{server.base}/cp1251.rss")))
    assert result.error is None, result.error
    [item] = result.items
    assert item.text == "Власти Грузии депортировали активиста Семёна Кузнецова."
    assert item.title == "Депортация"
    assert any("cp1251" in w for w in result.warnings)


def test_half_broken_feed_gives_its_good_entries(server):
    result = run(poll_once(feed(f"{server.base}/halfbroken.rss")))
    assert result.error is None, result.error
    assert "В Стамбуле задержали блогера Андрея Волкова." in [item.text for item in result.items]
    assert any(w.startswith("malformed feed") for w in result.warnings)


# --- pages --------------------------------------------------------------------------------------

def test_page_source_new_only_when_text_changes_and_wrong_charsets(server):
    for path in ("/cp1251-as-utf8", "/cp1251-no-charset"):
        source = SourceConfig(url=f"{server.base}{path}", kind="page", local=True)
        result = run(poll_once(source))
        assert result.error is None, result.error
        [item] = result.items
        assert "депортировали в Россию оппозиционного активиста Семёна Кузнецова" in item.text
        assert item.raw == CP1251_PAGE and item.title == "Депортация из Грузии"
        again = run(poll_once(source, result.state, {item.item_key}))
        assert again.items == [] and again.error is None
        # The state alone (text hash) is enough to know the page has not changed.
        assert run(poll_once(source, result.state, set())).items == []


def test_robots_txt_respected_once_per_host_and_overridable(server):
    blocked = SourceConfig(url=f"{server.base}/private/page", kind="page", local=True)
    allowed = SourceConfig(url=f"{server.base}/private/page", kind="page", local=True, robots=False)
    fine = SourceConfig(url=f"{server.base}/articles/2", kind="page", local=True)

    async def go():
        async with SafeClient() as client:
            before = server.robots_hits
            results = [await poll(s, {}, set(), client) for s in (blocked, fine, blocked, allowed)]
            return results, server.robots_hits - before
    (first, ok, second, overridden), hits = run(go())
    assert first.error == f"{blocked.url}: disallowed by robots.txt" and first.items == []
    assert second.error == first.error
    assert ok.error is None and ok.items
    assert overridden.error is None and "Закрытая страница" in overridden.items[0].text
    assert hits == 1                                       # one robots.txt fetch for the host


# --- Telegram -----------------------------------------------------------------------------------

def test_telegram_preview_new_messages_and_paging(server):
    ch = server.channel
    ch.clear()
    ch[99] = telegram_message("chan", 99, "Старое сообщение про задержание в Баку.")
    ch[100] = telegram_message("chan", 100, "")            # a photo without text
    ch[101] = telegram_message("chan", 101, "В Минске задержали <b>Павла Орлова</b>.<br/>Подробности: "
                               '<a href="https://example.org/a">на сайте правозащитников</a>')
    ch[102] = telegram_message("chan", 102, "Суд в Дубае отказал в экстрадиции Игоря Лебедева.",
                               forwarded="ОВД-Инфо", reply="Цитата из другого сообщения")
    ch[103] = telegram_message("chan", 103, "Адвокат подал апелляцию.")
    source = SourceConfig(url=f"{server.base}/s/chan", kind="telegram", local=True)

    first = run(poll_once(source))
    assert first.error is None, first.error
    assert [item.item_key for item in first.items] == ["chan/101", "chan/102", "chan/103"]   # latest page only
    orlov, lebedev, _ = first.items
    assert orlov.url == "https://t.me/chan/101"
    assert orlov.text == "В Минске задержали Павла Орлова.\n\nПодробности: на сайте правозащитников"
    assert orlov.published == "2026-02-03T10:41:00+00:00" and orlov.title is None
    assert orlov.raw.startswith(b"<div") and b'data-post="chan/101"' in orlov.raw
    assert orlov.sha256 == hashlib.sha256(orlov.raw).hexdigest() and orlov.status == 200
    assert lebedev.title == "Переслано из: ОВД-Инфо"
    assert lebedev.text == "Суд в Дубае отказал в экстрадиции Игоря Лебедева."       # no reply quote
    assert first.state == {"last_id": 103}

    # Five new messages: the latest page has three, one page back (?before=106) the rest.
    for n in range(104, 109):
        ch[n] = telegram_message("chan", n, f"Новое сообщение номер {n} о депортации.")
    requests_before = len(server.seen("/s/chan"))
    second = run(poll_once(source, first.state, {i.item_key for i in first.items}))
    assert second.error is None, second.error
    assert [item.item_key for item in second.items] == [f"chan/{n}" for n in range(104, 109)]
    assert second.state == {"last_id": 108}
    assert len(server.seen("/s/chan")) - requests_before == 2

    # Nothing new: one request, no items.
    assert run(poll_once(source, second.state, set())).items == []
    # State lost, keys kept: the seen keys say where to continue.
    assert run(poll_once(source, {}, {"chan/108"})).items == []


def test_telegram_page_that_is_not_a_channel(server):
    source = SourceConfig(url=f"{server.base}/s/nochannel", kind="telegram", local=True)
    result = run(poll_once(source))
    assert result.error.startswith(f"{source.url}: not a public Telegram channel preview")


# --- folders ---------------------------------------------------------------------------------------

def test_folder_new_and_changed_files(tmp_path):
    old = time.time() - 60

    def write(name: str, data: bytes) -> None:
        (tmp_path / name).write_bytes(data)
        os.utime(tmp_path / name, (old, old))

    write("a.txt", "---\nurl: https://example.org/a\ntitle: Задержание\n---\n"
                   "В Алматы задержали активиста Ивана Петрова по запросу России.\n".encode())
    write("b.bin.txt", b"\x00\x01\x02" * 100)
    write("ignored.exe", b"MZ")
    source = SourceConfig(url=str(tmp_path), kind="folder")
    first = run(poll_once(source))
    assert first.error is None, first.error
    [item] = first.items
    assert item.status == 0 and item.headers == {} and item.url == "https://example.org/a"
    assert item.final_url == str(tmp_path / "a.txt") and item.title == "Задержание"
    assert "Ивана Петрова" in item.text and item.sha256 == hashlib.sha256(item.raw).hexdigest()
    assert [w for w in first.warnings if "b.bin.txt" in w and "binary" in w]
    json.dumps(first.state)

    seen = {item.item_key}
    assert run(poll_once(source, first.state, seen)).items == []
    write("c.md", "В Тбилиси задержали журналистку Анну Соколову.\n".encode())
    (tmp_path / "fresh.txt").write_text("Файл ещё пишется.", encoding="utf-8")     # too fresh: next poll
    third = run(poll_once(source, first.state, seen))
    assert [i.text for i in third.items] == ["В Тбилиси задержали журналистку Анну Соколову."]

    missing = run(poll_once(SourceConfig(url=str(tmp_path / "nope"), kind="folder")))
    assert missing.error == f"{tmp_path / 'nope'}: no such folder"


# --- safety and failures ------------------------------------------------------------------------------

def test_each_failure_one_clear_error_while_others_go_on(server):
    b = server.base
    failing = [
        (feed(f"{b}/malformed.rss"), "malformed feed: syntax error"),
        (feed(f"{b}/error500"), "HTTP 500 Internal Server Error"),
        (SourceConfig(url=f"{b}/slow", kind="page", local=True), "timed out after 1 s"),
        (SourceConfig(url=f"{b}/huge", kind="page", local=True), "response larger than 10 MB"),
        (SourceConfig(url=f"{b}/bomb", kind="page", local=True), "decompressed response larger than 10 MB"),
        (SourceConfig(url=f"{b}/loop/a", kind="page", local=True), "redirect loop"),
        (SourceConfig(url=f"{b}/chain/1", kind="page", local=True), "too many redirects (more than 5)"),
        (SourceConfig(url=f"{b}/private/page", kind="page", local=True), "disallowed by robots.txt"),
        (SourceConfig(url=f"{b}/articles/1", kind="page"), f"127.0.0.1 {PRIVATE_ADDRESS}"),
        (SourceConfig(url=b.replace("127.0.0.1", "localhost") + "/feed.rss", kind="feed"), PRIVATE_ADDRESS),
        (SourceConfig(url="ftp://example.org/feed", kind="feed", local=True), "unsupported URL scheme 'ftp'"),
        (SourceConfig(url=f"{b}/feed.rss", kind="gopher"), "unknown source kind 'gopher'"),
    ]
    good = feed(f"{b}/feed.rss")
    telegram = SourceConfig(url=f"{b}/s/chan", kind="telegram", local=True)

    async def go():
        async with SafeClient(timeout=1.0) as client:
            started = time.monotonic()
            sources = [source for source, _ in failing] + [good, telegram]
            results = await asyncio.gather(*(poll(source, {}, set(), client) for source in sources))
            return results, time.monotonic() - started
    results, elapsed = run(go())
    for (source, expected), result in zip(failing, results):
        assert result.items == [], source.url
        assert result.error is not None and result.error.startswith(f"{source.url}: "), result.error
        assert expected in result.error, (expected, result.error)
        assert "\n" not in result.error
        assert result.state == {}
    assert results[-2].error is None and len(results[-2].items) == 3
    assert results[-1].error is None
    assert elapsed < 2.5            # the slow source costs its timeout, no more, and nobody else waits


def test_loopback_refused_even_when_dns_changes_after_the_check(server):
    """DNS rebinding: the pre-check passes (here: skipped), the transport still refuses."""
    class Rebound(SafeClient):
        async def _check_address(self, *args, **kwargs):
            return None

    async def go():
        async with Rebound() as client:
            await client.get(f"{server.base}/articles/1", robots=False)
    with pytest.raises(FetchError, match="private/loopback/link-local"):
        run(go())


def test_redirect_hops_are_checked(server):
    async def go():
        async with SafeClient() as client:
            response = await client.get(f"{server.base}/go/2", local=True)
            assert response.final_url == f"{server.base}/articles/2"
            assert response.redirects == [f"{server.base}/go/2"]
            # A public-looking source redirected into the loopback is refused at the hop.
            with pytest.raises(FetchError, match="private/loopback/link-local"):
                await client.get(f"{server.base}/go/2")
    run(go())


def test_per_host_concurrency_limit(server):
    async def go():
        async with SafeClient(per_host=2) as client:
            await asyncio.gather(*(client.get(f"{server.base}/busy/{n}", local=True) for n in range(6)))
    server.max_active = 0
    run(go())
    assert server.max_active == 2


def test_user_agent(server):
    run(poll_once(SourceConfig(url=f"{server.base}/articles/2", kind="page", local=True)))
    assert server.seen("/articles/2")[-1]["user-agent"].startswith("Khronika/")
    assert server.seen("/articles/2")[-1]["user-agent"].endswith("(+rights monitoring)")
