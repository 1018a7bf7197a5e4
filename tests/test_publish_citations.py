"""Citable archive pages and dossiers (issue 13, items 6 and 7): the status
header, the summary paragraph in the page's language, the numbered source
list (each SHA-256 once, facts citing numbers), an untitled local document's
title and file name, absolute addresses with --base-url, and the archived
copy served from the site as the stored bytes.

A real SQLite store (tests/publishstore.py) plus one untitled local
document; the real CLI; the site served by a real HTTP server for the
download check.
"""
from __future__ import annotations

import hashlib
import html
import re
import sys
import threading
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import publishstore
from publishstore import PRIVATE, TIMUR

from khronika.cli import main
from khronika.model import EventMention, PersonMention
from khronika.store import open_store

SAMPLE_FIRST_LINE = "Бишкек: Тимура Ахмедова освободили под залог"
SAMPLE_SENTENCE = "Тимура Ахмедова освободили 12 марта 2025 года."
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def run(*args) -> int:
    return main([str(a) for a in args])


def _add_untitled_sample(db: Path) -> str:
    """An untitled local file (like the README's sample document) that reports Timur's release."""
    text = f"{SAMPLE_FIRST_LINE}\n\n{SAMPLE_SENTENCE}\n"
    raw = text.encode()
    doc = publishstore.Document(
        id=hashlib.sha256(raw).hexdigest()[:16], path="/home/monitor/secret-folder-priv/sample-kg.txt",
        text=text, sha256=hashlib.sha256(raw).hexdigest(), captured_at="2025-03-13T09:00:00+00:00", raw=raw,
        title=None, url=None, source=None, published=None, language="ru")
    start = text.index(SAMPLE_SENTENCE)
    event = EventMention(person="p1", type="released", evidence=SAMPLE_SENTENCE, document=doc.id,
                         date="2025-03-12", place="Бишкек", start=start, end=start + len(SAMPLE_SENTENCE),
                         trigger="освободили")
    with open_store(db) as store:
        store.add_document(doc, [PersonMention(local_id="p1", name=TIMUR.name, role="subject",
                                               surface_forms=["Тимура Ахмедова"])],
                           [TIMUR], {"p1": TIMUR.id}, [event])
        store.review_event(event.id, "confirmed", publishstore.REVIEWER)
    return doc.sha256


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("citations")
    fx = publishstore.build(root / "k.db")
    sample_sha = _add_untitled_sample(fx.db)
    db = ["--db", fx.db]
    assert run("publish", "--out", root / "site", "--jobs", "1", *db) == 0
    assert run("publish", "--out", root / "based", "--jobs", "1", "--base-url", "https://archive.example/kh",
               *db) == 0
    assert run("dossier", "Ахмедов", "--out", root / "timur.html", *db) == 0
    assert run("dossier", "Timur Akhmedov", "--lang", "en", "--out", root / "timur.en.html", *db) == 0
    assert run("dossier", "Емельянова", "--lang", "en", "--out", root / "yulia.en.html", *db) == 0
    assert run("dossier", "Ахмедов", "--include-case-file", "--out", root / "timur.private.html", *db) == 0
    return {"root": root, "fx": fx, "site": root / "site", "sample_sha": sample_sha}


def page(world, language: str, slug: str, site: str = "site") -> str:
    return (world["root"] / site / language / "persons" / f"{slug}.html").read_text(encoding="utf-8")


def block(text: str, element_id: str) -> str:
    """The inner HTML of the element with this id (no nesting of the same tag inside)."""
    found = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', text, re.S)
    assert found, element_id
    return found.group(2)


def plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


# ---------------------------------------------------------------- status and summary

def test_archive_person_page_has_the_status_header_in_each_language(world):
    ru, en = page(world, "ru", "p-timur"), page(world, "en", "p-timur")
    assert plain(block(ru, "current-status")).startswith("освобождён 12 марта 2025")
    assert plain(block(en, "current-status")).startswith("released on 12 March 2025")
    assert 'data-kind="released"' in en
    assert plain(block(en, "last-event")) == "released, 12 March 2025, Bishkek, Kyrgyzstan"
    yulia = page(world, "en", "p-yulia")
    assert plain(block(yulia, "current-status")).startswith("extradited on 9 February 2026")


def test_summary_is_a_paragraph_in_the_pages_language(world):
    en = plain(block(page(world, "en", "p-yulia"), "summary"))
    assert en.startswith("In 2025, Yulia Emelyanova was sentenced [")
    assert "On 27 January 2026, she was detained in Almaty, Kazakhstan [" in en
    assert "On 9 February 2026, she was extradited from Astana, Kazakhstan [" in en
    assert en.index("sentenced") < en.index("detained") < en.index("extradited")   # in date order
    assert "from 2 sources" in en
    # No Cyrillic in the English summary outside quoted source wording.
    assert not CYRILLIC.search(re.sub(r"«[^»]*»", "", en)), en
    ru = plain(block(page(world, "ru", "p-yulia"), "summary"))
    assert "27 января 2026 она была задержана в Алматы, Казахстан [" in ru
    assert ru.startswith("В 2025 году Юлия Емельянова была приговорена [")
    timur = plain(block(page(world, "en", "p-timur"), "summary"))
    assert "Timur Akhmedov" in timur and not CYRILLIC.search(timur)


# ---------------------------------------------------------------- numbered sources

def _numbers(text: str) -> dict[str, int]:
    """document SHA-256 -> its number in the page's source list."""
    return {sha: int(n) for n, sha in re.findall(
        r'<li id="source-(\d+)"[^>]*>.*?<code class="hash">([0-9a-f]{64})</code>', text, re.S)}


def test_sources_are_numbered_each_hash_shown_once_and_facts_cite_them(world):
    fx = world["fx"]
    for language in ("ru", "en"):
        text = page(world, language, "p-yulia")
        numbers = _numbers(text)
        assert sorted(numbers.values()) == [1, 2] and set(numbers) == set(fx.hashes[:2])
        for sha in fx.hashes[:2]:
            assert text.count(sha) == 1, sha                  # once, in the source list
        # Each fact cites the number of the document that reported it.
        facts = re.findall(r'<li class="fact"[^>]*>(.*?)</ul>', text, re.S)
        detained = next(f for f in facts if "задержали Юлию" in plain(f))
        assert f'href="#source-{numbers[fx.hashes[0]]}"' in detained
        extradited = next(f for f in facts if "выдал Юлию" in plain(f))
        assert f'href="#source-{numbers[fx.hashes[1]]}"' in extradited
    source = block(page(world, "en", "p-yulia"), f"source-{_numbers(page(world, 'en', 'p-yulia'))[fx.hashes[0]]}")
    flat = plain(source)
    assert "Задержание в аэропорту Алматы — test-wire" in flat and "https://news.example/kz-1" in flat
    assert "captured 2026-01-28T12:00:00+00:00" in flat


def test_untitled_local_document_gets_its_first_line_and_file_name_never_its_folders(world):
    text = page(world, "en", "p-timur")
    number = _numbers(text)[world["sample_sha"]]
    flat = plain(block(text, f"source-{number}"))
    assert flat.startswith(SAMPLE_FIRST_LINE)
    assert "local file sample-kg.txt (no public URL)" in flat
    for path in world["site"].rglob("*"):
        if path.is_file() and path.suffix in (".html", ".json", ".csv", ".js"):
            assert PRIVATE["document path"] not in path.read_text(encoding="utf-8"), path
    private = (world["root"] / "timur.private.html").read_text(encoding="utf-8")
    assert "/home/monitor/secret-folder-priv/sample-kg.txt" in private     # the legal team's copy only


def test_dossier_lists_numbered_sources_once_and_cites_them(world):
    fx = world["fx"]
    text = (world["root"] / "yulia.en.html").read_text(encoding="utf-8")
    numbers = {sha: int(n) for n, sha in re.findall(
        r'<li id="source-(\d+)"[^>]*>.*?SHA-256 ([0-9a-f]{64})', text, re.S)}
    assert set(numbers) == set(fx.hashes[:2])
    for sha in fx.hashes[:2]:
        assert text.count(sha) == 1, sha
    assert f'href="#source-{numbers[fx.hashes[0]]}">[{numbers[fx.hashes[0]]}]</a>' in text
    assert "extradited on 9 February 2026" in plain(block(text, "current-status"))
    summary = plain(re.search(r'<p class="summary">(.*?)</p>', text, re.S).group(1))
    assert "On 27 January 2026, she was detained in Almaty, Kazakhstan [" in summary
    assert not CYRILLIC.search(summary)
    timur = (world["root"] / "timur.html").read_text(encoding="utf-8")
    assert SAMPLE_FIRST_LINE in timur and "sample-kg.txt" in timur and PRIVATE["document path"] not in timur
    assert "освобождён 12 марта 2025" in plain(block(timur, "current-status"))


# ---------------------------------------------------------------- addresses and archived copies

def test_base_url_makes_citations_absolute(world):
    text = page(world, "en", "p-yulia", "based")
    base = "https://archive.example/kh/"
    assert re.search(rf'<a class="anchor" href="{re.escape(base)}en/persons/p-yulia.html#fact-\w+"', text)
    assert f"{base}en/persons/p-yulia.html, generated" in text
    timur = page(world, "en", "p-timur", "based")
    assert f"{base}snapshots/{world['fx'].hashes[2]}.bin" in timur


@pytest.fixture
def served(world):
    handler = partial(SimpleHTTPRequestHandler, directory=str(world["site"]))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_archived_copy_is_the_stored_bytes_served_as_a_download(world, served):
    fx = world["fx"]
    with open_store(fx.db) as store:
        timur_doc = next(d for d in store.documents() if d.sha256 == fx.hashes[2])
        stored, _media, sha = store.snapshot_bytes(timur_doc.id)
    text = page(world, "en", "p-timur")
    link = re.search(r'<a class="snapshot" href="([^"]+)" download="([^"]+)" type="application/octet-stream">',
                     text)
    assert link and link.group(1) == f"../../snapshots/{sha}.bin"
    url = urllib.request.urljoin(f"{served}en/persons/p-timur.html", html.unescape(link.group(1)))
    with urllib.request.urlopen(url, timeout=30) as response:
        body = response.read()
        content_type = response.headers["Content-Type"]
    assert body == stored and hashlib.sha256(body).hexdigest() == sha
    assert b"<script>window.__xss=1</script>" in body                # the captured page as it was...
    assert "html" not in content_type                                  # ...never served as a page
    # Yulia's sources have no copy: one has no web address, the other an event still waiting for review.
    assert sorted(p.name for p in (world["site"] / "snapshots").iterdir()) == [f"{sha}.bin"]
    assert 'class="snapshot"' not in page(world, "en", "p-yulia")
