"""Hostile input through khronika.readers and through `khronika ingest`.

Every sample in tests/hostile/ (written by tests/hostile/generate.py, all text
made up) is either read or refused with one clear error naming it, and the
batch goes on; the big inputs (20 MB, no line break) are written to a
temporary folder here. Each test fails on the readers as they were before
issue 11 (khronika/documents.py).
"""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from khronika.model import Document, ReadFailure, SourceConfig
from khronika.readers import MAX_DOCUMENT_CHARS, MAX_PARAGRAPH_CHARS, clean_text, read_paths
from khronika.sources import feeds
from khronika.sources.safety import Response
from khronika.sources.text import decode_markup

REPO_ROOT = Path(__file__).resolve().parents[1]
HOSTILE = REPO_ROOT / "tests" / "hostile"
MB = 2**20


def read_all(*paths) -> list[Document | ReadFailure]:
    return list(read_paths(paths))


def by_name(results) -> dict[str, list[Document | ReadFailure]]:
    found: dict[str, list] = {}
    for result in results:
        found.setdefault(Path(result.path.split("#")[0]).name, []).append(result)
    return found


def doc_of(name: str) -> Document:
    [result] = read_all(HOSTILE / name)
    assert isinstance(result, Document), result
    return result


@pytest.fixture(scope="module")
def hostile_results():
    return by_name(read_all(HOSTILE))


# --- the whole folder: one result or failure per item, the batch goes on ------------------

REFUSED = {
    "binary-png.txt": "binary or undecodable file (PNG image)",
    "binary-elf.txt": "binary or undecodable file (ELF executable)",
    "binary-pdf.txt": "binary or undecodable file (PDF document)",
}


def test_every_hostile_file_is_read_or_refused_with_one_clear_error(hostile_results):
    samples = {path.name for path in HOSTILE.iterdir() if path.suffix != ".py"}
    assert set(hostile_results) == samples - {"telegram-media-only.json"}   # no text: nothing, no failure
    for name, reason in REFUSED.items():
        [failure] = hostile_results[name]
        assert isinstance(failure, ReadFailure) and failure.reason == reason
        assert str(failure).startswith(str(HOSTILE / name))
    for name, results in hostile_results.items():
        if name not in REFUSED and name != "records-one-bad.jsonl":
            assert all(isinstance(result, Document) for result in results), results


# --- encodings --------------------------------------------------------------------------

def test_declared_charset_after_a_long_script_wins_over_detection():
    doc = doc_of("encoding-declared-late.html")
    assert doc.text == "Суд у Києві заарештував журналіста Івана Петренка, повідомили правозахисники у вівторок."
    assert doc.title == "Задержание"


def test_bomless_utf16_and_utf32_with_a_declared_charset_are_read():
    assert doc_of("encoding-utf16-declared-no-bom.html").text.startswith("Суд в Бишкеке отказал в экстрадиции")
    assert doc_of("encoding-utf32-declared-no-bom.html").text.startswith("Власти Грузии депортировали")


def test_http_charset_is_used_for_a_page_without_declaration():
    content = "<html><body><p>Суд у Києві заарештував журналіста.</p></body></html>".encode("cp1125")
    text, codec = decode_markup(content, "cp1125")
    assert "Суд у Києві" in text and codec == "cp1125"


def test_legacy_non_cyrillic_encodings_are_not_read_as_russian():
    hebrew = doc_of("encoding-windows-1255.txt")
    assert hebrew.text.startswith("בית המשפט בתל אביב") and hebrew.language == "he"
    japanese = doc_of("encoding-shift-jis.txt")
    assert japanese.text.startswith("東京地方裁判所は") and japanese.language != "ru"


# --- stray control bytes ----------------------------------------------------------------

@pytest.mark.parametrize("name", ["control-bytes.html", "control-bytes.txt"])
def test_stray_control_bytes_are_removed_with_a_warning_naming_the_file(name, caplog):
    doc = doc_of(name)
    assert "\x00" not in doc.text and "\x07" not in doc.text
    assert "Соколова под стражу" in doc.text or "Иванову задержали" in doc.text
    assert doc.meta["read_warnings"] == ["removed 2 control character(s) (NUL, BEL, ...)"]
    assert f"{HOSTILE / name}: removed 2 control character(s)" in caplog.text


# --- size: linear time, bounded paragraphs ------------------------------------------------

def _no_newline_file(path: Path, size: int) -> Path:
    sentence = ("Полиция {n} задержала активиста Ивана Петрова, суд арестовал его на два месяца "
                "по запросу российских властей. ")
    with path.open("w", encoding="utf-8") as handle:
        written = n = 0
        while written < size:
            chunk = "".join(sentence.format(n=n + k) for k in range(1000))
            handle.write(chunk)
            written += len(chunk.encode())
            n += 1000
    return path


def test_20_mb_without_line_breaks_is_refused_in_bounded_time(tmp_path):
    path = _no_newline_file(tmp_path / "no-newlines.txt", 20 * MB)
    started = time.perf_counter()
    docs = read_paths([path])
    failure = next(iter(docs))
    assert isinstance(failure, ReadFailure) and str(path) in failure.path, failure
    assert "text too long for one document" in failure.reason and f"{MAX_DOCUMENT_CHARS:,}" in failure.reason
    assert time.perf_counter() - started < 60       # not a speed test: a guard against a hang


def test_a_long_line_is_split_into_paragraphs_at_sentence_ends(tmp_path):
    path = _no_newline_file(tmp_path / "long-line.txt", 150_000)
    (doc,) = read_all(path)
    pieces = doc.text.split("\n\n")
    assert max(map(len, pieces)) <= MAX_PARAGRAPH_CHARS < len(doc.text)
    assert all(piece.endswith("властей.") for piece in pieces)       # split at sentence ends


def test_text_without_spaces_is_split_anywhere(tmp_path):
    path = tmp_path / "blob.txt"
    path.write_bytes(b"QUJD" * 40_000)
    docs = read_all(path)
    assert max(len(piece) for doc in docs for piece in doc.text.split("\n\n")) <= MAX_PARAGRAPH_CHARS
    assert sum(len(doc.text.replace("\n", "")) for doc in docs) == 160_000


def test_record_with_too_much_text_is_refused_alone(tmp_path):
    path = tmp_path / "long.jsonl"
    path.write_text(json.dumps({"text": "".join(f"Суд арестовал активиста {n}. " for n in range(20_000))}) + "\n"
                    + json.dumps({"text": "Суд в Бишкеке отказал в экстрадиции активистки."}) + "\n")
    too_long, short = read_all(path)
    assert too_long.reason.startswith("text too long for one document (")
    assert isinstance(short, Document)


def test_over_the_size_limit_is_refused_before_reading(tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(30 * MB)
    [failure] = read_all(huge)
    assert failure.reason == "file too large (30.0 MB > 25 MB limit)"


# --- front matter, binary files, nesting --------------------------------------------------

@pytest.mark.parametrize("name, body", [
    ("front-matter-python-tag.md", "В Астане суд отказал в экстрадиции журналиста Олега Смирнова в Россию."),
    ("front-matter-broken.md", "В Бишкеке задержали правозащитницу Анну Кузнецову по запросу Москвы."),
    ("front-matter-alias-bomb.md", "В Ташкенте освободили из-под стражи блогера Дмитрия Волкова."),
])
def test_hostile_front_matter_is_dropped_and_the_text_read(name, body, caplog):
    doc = doc_of(name)
    assert doc.text == body and doc.title is None and doc.url is None
    assert doc.meta["read_warnings"][0].startswith("invalid YAML front matter")
    assert str(HOSTILE / name) in caplog.text


def test_5000_nested_divs_are_read():
    doc = doc_of("deep-5000-divs.html")
    assert doc.text == "Суд в Минске приговорил журналистку Ольгу Лебедеву к трём годам колонии за публикации о протестах."


# --- JSON Lines ------------------------------------------------------------------------------

def test_jsonl_bad_records_fail_alone_with_their_line_numbers():
    path = HOSTILE / "records-one-bad.jsonl"
    results = read_all(path)
    assert [r.path for r in results] == [f"{path}#{n}" for n in (1, 2, 3, 4, 5)]
    first, broken, latin1, second, surrogate = results
    assert isinstance(first, Document) and first.title == "Первая"
    assert isinstance(broken, ReadFailure) and broken.reason.startswith("invalid JSON")
    assert isinstance(latin1, ReadFailure) and "not UTF-8" in latin1.reason
    assert isinstance(second, Document) and second.text.startswith("Суд в Душанбе")
    assert isinstance(surrogate, Document) and surrogate.title == "surrogate"


# --- Telegram ----------------------------------------------------------------------------------

def test_full_account_export_reads_its_channels_with_their_links():
    path = HOSTILE / "telegram-full-account.json"
    docs = read_all(path)
    assert [d.path for d in docs] == [f"{path}#1111111111/5", f"{path}#1111111111/6", f"{path}#2222222222/7"]
    assert [d.url for d in docs] == ["https://t.me/rights_ch/5", "https://t.me/rights_ch/6",
                                     "https://t.me/c/2222222222/7"]
    assert docs[1].text == "Подробности на сайте (https://example.org/petrov)"
    assert docs[2].source == "Закрытый канал"


def test_lone_surrogate_loses_one_character_not_the_message():
    doc = doc_of("telegram-lone-surrogate.json")
    assert doc.text == "Суд в Бишкеке арестовал блогера Алексея Морозова по запросу России."
    assert doc.url == "https://t.me/news_kz/21"


def test_media_only_export_is_no_error(caplog):
    assert read_all(HOSTILE / "telegram-media-only.json") == []
    assert "no text messages (3 without text" in caplog.text


# --- cleaning ----------------------------------------------------------------------------------

def test_real_last_paragraph_is_not_taken_for_a_headline():
    text = (HOSTILE / "last-paragraph-kept.txt").read_text(encoding="utf-8")
    cleaned, removed = clean_text(text)
    assert removed == []
    assert cleaned.endswith("случались в соседних странах региона.")


# --- feeds -------------------------------------------------------------------------------------

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Лента</title><link>https://example.org/</link>
<item><guid isPermaLink="false">n1</guid>
<title>AT&amp;amp;T &lt;b&gt;передала&lt;/b&gt; &amp;laquo;данные&amp;raquo;</title>
<description>Суд в Алматы арестовал клиента AT&amp;amp;T &amp;laquo;Ивана Петрова&amp;raquo;.</description></item>
</channel></rss>"""


def test_feed_entry_text_and_title_lose_entities_and_tags():
    source = SourceConfig(url="https://example.org/rss", kind="feed")
    response = Response(url=source.url, final_url=source.url, status=200, reason="OK",
                        headers={"content-type": "application/rss+xml; charset=utf-8"},
                        content=FEED.encode(), captured_at="2026-02-03T10:00:00Z")
    parsed, _ = feeds.parse_feed(source, response)
    [entry] = parsed.entries
    item, _ = asyncio.run(feeds._entry_item(source, None, response, feeds.entry_key(entry), entry, None, set()))
    assert item.title == "AT&T передала «данные»"
    assert item.text == "Суд в Алматы арестовал клиента AT&T «Ивана Петрова»."


# --- the command line: clear errors, the batch goes on, nothing stored twice ----------------------

def _ingest(tmp_path: Path, *paths) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), PYTHONIOENCODING="utf-8")
    env.pop("KHRONIKA_DB", None)
    return subprocess.run(
        [sys.executable, "-m", "khronika", "ingest", *map(str, paths), "--db", str(tmp_path / "store.db"),
         "--jobs", "1"],
        check=False, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def test_cli_ingests_the_hostile_folder_once(tmp_path):
    first = _ingest(tmp_path, HOSTILE)
    assert first.returncode == 1, first.stderr          # some files are refused
    for name, reason in REFUSED.items():
        assert f"khronika: cannot read {HOSTILE / name}: {reason}" in first.stderr
    assert f"cannot read {HOSTILE / 'records-one-bad.jsonl'}#2: invalid JSON" in first.stderr
    assert f"khronika: warning: {HOSTILE / 'control-bytes.html'}: removed 2 control" in first.stderr
    assert f"khronika: warning: {HOSTILE / 'front-matter-python-tag.md'}: invalid YAML" in first.stderr
    readable = sum(isinstance(r, Document) for r in read_all(HOSTILE))
    assert f"ingested {readable} document(s)" in first.stdout
    assert "5 unreadable" in first.stdout

    again = _ingest(tmp_path, HOSTILE)
    assert "ingested 0 document(s)" in again.stdout
    assert f"{readable} already stored" in again.stdout
    assert f"Store: {readable} documents" in again.stdout
