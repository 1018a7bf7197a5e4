"""Tests for khronika.readers: readers, decoding, bad input, cleaning."""
from __future__ import annotations

import hashlib
import json
import re
import time
from pathlib import Path

import pytest

from khronika.model import Document, ReadFailure
from khronika.readers import (
    clean_text,
    decode_bytes,
    detect_language,
    normalize_published,
    read_paths,
)

RU_TEXT = (
    "Полиция Алматы задержала активиста Ивана Петрова. "
    "Суд арестовал его на два месяца по запросу российских властей."
)
EN_TEXT = "Police in Almaty detained the activist Ivan Petrov. A court remanded him in custody."


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def read_all(*paths) -> list[Document | ReadFailure]:
    return list(read_paths(paths))


def read_one(path: Path) -> Document:
    [result] = read_all(path)
    assert isinstance(result, Document), result
    return result


def failure_of(path: Path, **kwargs) -> ReadFailure:
    [result] = list(read_paths([path], **kwargs))
    assert isinstance(result, ReadFailure), result
    assert result.path == str(path)
    return result


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


# ---------------------------------------------------------------------------
# Plain text and Markdown
# ---------------------------------------------------------------------------

def test_txt_without_front_matter(tmp_path):
    data = (RU_TEXT + "\n\nВторой абзац о деле Петрова.\n").encode()
    path = write(tmp_path / "news.txt", data)
    doc = read_one(path)
    assert doc.path == str(path)
    assert doc.text == RU_TEXT + "\n\nВторой абзац о деле Петрова."
    assert doc.raw == data
    assert doc.sha256 == hashlib.sha256(data).hexdigest()
    assert doc.id == doc.sha256[:16]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", doc.captured_at)
    assert (doc.title, doc.url, doc.source, doc.published) == (None, None, None, None)
    assert doc.language == "ru"
    assert doc.media_type == "text/plain"


def test_txt_front_matter_sets_fields_and_meta(tmp_path):
    path = write(tmp_path / "news.txt", (
        "---\n"
        "url: https://example.org/news/1\n"
        "title: Задержание в Алматы\n"
        "source: Пример Медиа\n"
        "published: 03.02.2026\n"
        "language: en\n"
        "author: Иван Иванов\n"
        "seen: 2026-02-04\n"
        "---\n" + RU_TEXT + "\n"
    ))
    doc = read_one(path)
    assert doc.text == RU_TEXT
    assert doc.url == "https://example.org/news/1"
    assert doc.title == "Задержание в Алматы"
    assert doc.source == "Пример Медиа"
    assert doc.published == "2026-02-03"
    assert doc.language == "en"          # as given, even when the text says otherwise
    assert doc.meta == {"author": "Иван Иванов", "seen": "2026-02-04"}


def test_markdown_with_datetime_front_matter(tmp_path):
    path = write(tmp_path / "note.md", f"---\npublished: 2026-02-03 10:00:00\n---\n# Заголовок\n\n{RU_TEXT}\n")
    doc = read_one(path)
    assert doc.media_type == "text/markdown"
    assert doc.published == "2026-02-03T10:00:00"
    assert doc.text == "# Заголовок\n\n" + RU_TEXT


def test_unparseable_published_is_none_and_kept_in_meta(tmp_path):
    path = write(tmp_path / "a.txt", f"---\npublished: вчера вечером\n---\n{RU_TEXT}")
    doc = read_one(path)
    assert doc.published is None
    assert doc.meta["published_text"] == "вчера вечером"


def test_invalid_front_matter_is_dropped_with_a_warning_naming_the_problem(tmp_path, caplog):
    path = write(tmp_path / "bad.txt", f"---\ntitle: [unclosed\nurl: x\n---\n{RU_TEXT}")
    doc = read_one(path)
    assert doc.text == RU_TEXT and doc.title is None and doc.url is None
    [warning] = doc.meta["read_warnings"]
    assert warning.startswith("invalid YAML front matter") and "line" in warning
    assert str(path) in caplog.text and "invalid YAML front matter" in caplog.text


def test_front_matter_that_is_not_a_mapping_is_dropped_with_a_warning(tmp_path):
    path = write(tmp_path / "list.md", f"---\n- one\n- two\n---\n{RU_TEXT}")
    doc = read_one(path)
    assert doc.text == RU_TEXT
    assert "invalid YAML front matter" in doc.meta["read_warnings"][0]


# ---------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------

HTML_PAGE = """<!DOCTYPE html>
<html lang="ru">
<head>
  <meta charset="utf-8">
  <title>Активиста задержали в Алматы | Пример Медиа</title>
  <meta property="og:title" content="Активиста задержали в Алматы">
  <meta property="og:site_name" content="Пример Медиа">
  <meta property="article:published_time" content="2026-02-03T10:00:00+03:00">
  <link rel="canonical" href="https://example.org/news/almaty-detention">
  <script>var tracker = "<b>not text</b>";</script>
</head>
<body>
  <nav><a href="/">Главная</a> <a href="/news">Новости</a> <a href="/about">О нас</a></nav>
  <article>
    <h1>Активиста задержали в Алматы</h1>
    <p>Полиция Алматы задержала активиста Ивана Петрова у его дома в понедельник утром.
       Правозащитники узнали о задержании только через несколько часов.</p>
    <p>Суд арестовал Петрова на два месяца по запросу российских властей, которые обвиняют его
       в участии в антивоенных акциях.<script>alert(1)</script></p>
    <p>Адвокат активиста намерен обжаловать арест и просит власти Казахстана не выдавать его России.</p>
  </article>
  <footer>© 2026 Пример Медиа. Все права защищены.</footer>
</body>
</html>
"""


def test_html_main_text_and_metadata(tmp_path):
    doc = read_one(write(tmp_path / "page.html", HTML_PAGE))
    assert doc.media_type == "text/html"
    assert doc.title == "Активиста задержали в Алматы"
    assert doc.url == "https://example.org/news/almaty-detention"
    assert doc.published == "2026-02-03"
    assert doc.source == "Пример Медиа"
    assert doc.language == "ru"
    found = paragraphs(doc.text)
    assert any(p.startswith("Полиция Алматы задержала активиста") for p in found)
    assert any(p.startswith("Суд арестовал Петрова") for p in found)
    assert any(p.startswith("Адвокат активиста") for p in found)
    assert "Главная" not in doc.text and "Все права защищены" not in doc.text


def test_html_script_never_ends_up_as_markup(tmp_path):
    doc = read_one(write(tmp_path / "page.htm", HTML_PAGE))
    assert "alert(1)" not in doc.text
    assert "<script" not in doc.text
    assert "<" not in doc.text and ">" not in doc.text
    assert "tracker" not in doc.text


def test_html_with_wrongly_declared_charset_is_decoded(tmp_path):
    # Declares UTF-8 but is CP1251, as old Russian sites often are.
    data = HTML_PAGE.encode("cp1251", errors="replace")
    doc = read_one(write(tmp_path / "legacy.html", data))
    assert "Полиция Алматы задержала активиста Ивана Петрова" in doc.text


def test_html_date_comes_from_metadata_not_from_the_text(tmp_path):
    page = ("<html><head><title>Арест</title></head><body><article>"
            + "<p>Суд в Тбилиси 3 января 2025 года арестовал журналиста Андрея Соколова по запросу России.</p>" * 3
            + "</article></body></html>")
    doc = read_one(write(tmp_path / "undated.html", page))
    assert doc.published is None


def test_html_declared_charset_is_used(tmp_path):
    # CP1125 (Ukrainian DOS) is outside the code pages detection tries first,
    # and detection alone reads it as CP866.
    sentence = "Суд у Києві заарештував журналіста Івана Петренка, повідомили правозахисники."
    page = f"<html><head><meta charset='cp1125'><title>x</title></head><body><p>{sentence}</p></body></html>"
    doc = read_one(write(tmp_path / "cp1125.html", page.encode("cp1125")))
    assert doc.text == sentence


def test_html_nested_too_deeply_is_read_without_its_nesting(tmp_path):
    bomb = "<html><body>" + "<div>" * 100_000 + f"<p>{RU_TEXT}</p>" + "</div>" * 100_000 + "</body></html>"
    doc = read_one(write(tmp_path / "deep.html", bomb))
    assert doc.text == RU_TEXT
    assert "nested too deeply" in doc.meta["read_warnings"][0]


def test_html_with_too_many_elements_is_a_failure(tmp_path):
    bomb = "<html><body>" + "<span>x</span>" * 60_000 + "</body></html>"
    failure = failure_of(write(tmp_path / "wide.html", bomb))
    assert "HTML too complex" in failure.reason


def test_html_without_main_text_is_empty(tmp_path):
    failure = failure_of(write(tmp_path / "blank.html", "<html><head><title>x</title></head><body></body></html>"))
    assert failure.reason.startswith("empty document")


# ---------------------------------------------------------------------------
# JSON Lines
# ---------------------------------------------------------------------------

def test_jsonl_good_and_bad_lines(tmp_path):
    good = json.dumps({
        "url": "https://example.org/1", "title": "Первая", "published": "Tue, 03 Feb 2026 10:00:00 +0300",
        "language": "ru", "text": RU_TEXT, "rubric": "Казахстан",
    }, ensure_ascii=False)
    from_html = json.dumps({"url": "https://example.org/2", "html": HTML_PAGE}, ensure_ascii=False)
    lines = [good, "{not json", json.dumps({"title": "только заголовок"}), "", from_html, "[1, 2]"]
    path = write(tmp_path / "feed.jsonl", "\n".join(lines) + "\n")

    results = read_all(path)

    assert [r.path for r in results] == [f"{path}#{n}" for n in (1, 2, 3, 5, 6)]
    first, invalid, no_text, second, not_object = results
    assert isinstance(first, Document)
    assert first.text == RU_TEXT
    assert first.title == "Первая"
    assert first.published == "2026-02-03T10:00:00+03:00"
    assert first.meta == {"rubric": "Казахстан"}
    assert first.media_type == "application/json"
    assert first.raw == good.encode()
    assert first.id == hashlib.sha256(good.encode()).hexdigest()[:16]
    assert isinstance(invalid, ReadFailure) and invalid.reason.startswith("invalid JSON")
    assert isinstance(no_text, ReadFailure) and "neither text nor html" in no_text.reason
    assert isinstance(second, Document)
    assert second.url == "https://example.org/2"                 # the record's own url wins
    assert second.title == "Активиста задержали в Алматы"      # from the page
    assert "Суд арестовал Петрова" in second.text and "alert(1)" not in second.text
    assert isinstance(not_object, ReadFailure)


# ---------------------------------------------------------------------------
# Telegram Desktop export
# ---------------------------------------------------------------------------

TELEGRAM_MESSAGES = [
    {"id": 10, "type": "service", "date": "2026-02-01T09:00:00", "action": "pin_message",
     "text": "Канал закрепил сообщение"},
    {"id": 11, "type": "message", "date": "2026-02-03T10:15:00", "from": "Правозащитный канал",
     "text": ["В Алматы задержан ", {"type": "bold", "text": "Иван Петров"}, ". Подробности ",
              {"type": "text_link", "text": "на сайте", "href": "https://example.org/1"}, ", пишите ",
              {"type": "mention", "text": "@helpdesk"}]},
    {"id": 12, "type": "message", "date": "2026-02-03T11:00:00", "photo": "photos/1.jpg", "text": ""},
    {"id": 13, "type": "message", "date": "2026-02-04T08:00:00",
     "text": "Суд в Астане отказал в экстрадиции Марии Ивановой.", "forwarded_from": "Другой канал"},
]


def test_telegram_export_one_document_per_text_message(tmp_path):
    export = {"name": "Правозащитный канал", "type": "public_channel", "id": 1234567890,
              "username": "rights_channel", "messages": TELEGRAM_MESSAGES}
    path = write(tmp_path / "export" / "result.json", json.dumps(export, ensure_ascii=False, indent=1))

    first, second = read_all(path)

    assert first.path == f"{path}#11"
    assert first.text == "В Алматы задержан Иван Петров. Подробности на сайте (https://example.org/1), пишите @helpdesk"
    assert first.published == "2026-02-03T10:15:00"
    assert first.source == "Правозащитный канал"
    assert first.url == "https://t.me/rights_channel/11"
    assert first.meta == {"message_id": 11, "channel_id": 1234567890}
    message_bytes = json.dumps(TELEGRAM_MESSAGES[1], sort_keys=True, ensure_ascii=False).encode()
    assert first.raw == message_bytes
    assert first.id == hashlib.sha256(message_bytes).hexdigest()[:16]
    assert second.path == f"{path}#13"
    assert second.meta["forwarded_from"] == "Другой канал"


def test_telegram_export_without_username_has_no_url(tmp_path):
    export = {"name": "Канал", "id": 7, "messages": TELEGRAM_MESSAGES}
    docs = read_all(write(tmp_path / "result.json", json.dumps(export, ensure_ascii=False)))
    assert [d.url for d in docs] == [None, None]


def test_json_that_is_not_a_telegram_export_is_a_failure(tmp_path):
    failure = failure_of(write(tmp_path / "config.json", '{"settings": {"a": 1}}'))
    assert "not a Telegram export" in failure.reason


def test_invalid_json_failure_gives_line_and_column(tmp_path):
    failure = failure_of(write(tmp_path / "result.json", '{\n  "messages": [1, 2,, ]\n}'))
    assert failure.reason.startswith("invalid JSON")
    assert "line 2, column 21" in failure.reason   # the second comma


# ---------------------------------------------------------------------------
# Encodings
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
def test_legacy_cyrillic_encodings_are_decoded(tmp_path, encoding):
    data = RU_TEXT.encode(encoding)
    doc = read_one(write(tmp_path / f"{encoding}.txt", data))
    assert doc.text == RU_TEXT
    assert doc.raw == data
    assert doc.language == "ru"


def test_short_koi8r_text_is_not_mistaken_for_cjk():
    text, _ = decode_bytes("Суд в Алматы арестовал активиста.".encode("koi8-r"))
    assert text == "Суд в Алматы арестовал активиста."


def test_utf8_bom_is_dropped(tmp_path):
    doc = read_one(write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + RU_TEXT.encode()))
    assert doc.text == RU_TEXT


def test_utf8_bom_before_front_matter(tmp_path):
    doc = read_one(write(tmp_path / "bom.md", b"\xef\xbb\xbf---\ntitle: T\n---\n" + RU_TEXT.encode()))
    assert (doc.title, doc.text) == ("T", RU_TEXT)


def test_utf16_with_bom_is_decoded(tmp_path):
    doc = read_one(write(tmp_path / "utf16.txt", RU_TEXT.encode("utf-16")))
    assert doc.text == RU_TEXT


# ---------------------------------------------------------------------------
# Bad input: one failure each, the rest of the batch goes on
# ---------------------------------------------------------------------------

def test_bad_files_fail_alone_and_the_batch_goes_on(tmp_path, monkeypatch):
    good_txt = write(tmp_path / "good.txt", RU_TEXT)
    binary = write(tmp_path / "binary.txt", bytes(range(256)) * 40)
    empty = write(tmp_path / "empty.txt", b"")
    blank = write(tmp_path / "blank.md", " \n\t\n  \n")
    wrong_encoding = write(tmp_path / "wrong.txt", b"\xef\xbb\xbf" + RU_TEXT.encode("cp1251"))
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(50 * 2**20)      # sparse: 50 MB on paper, nothing on disk
    invalid_json = write(tmp_path / "broken.json", '{"messages": [')
    invalid_front = write(tmp_path / "front.md", "---\nkey: : :\n  - x\n---\nТекст.")
    good_jsonl = write(tmp_path / "good.jsonl", json.dumps({"text": EN_TEXT}) + "\n")
    missing = tmp_path / "missing.txt"

    real_open = Path.open

    def open_except_huge(self, *args, **kwargs):
        assert self != huge, "a file over the limit must not be read"
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_except_huge)
    order = [good_txt, binary, empty, blank, wrong_encoding, huge, invalid_json, invalid_front, missing, good_jsonl]
    started = time.monotonic()
    results = read_all(*order)
    assert time.monotonic() - started < 5

    assert [r.path for r in results] == [str(p) for p in order[:-1]] + [f"{good_jsonl}#1"]
    by_path = {r.path: r for r in results}
    assert isinstance(by_path[str(good_txt)], Document)
    assert isinstance(by_path[f"{good_jsonl}#1"], Document)
    assert by_path[str(binary)].reason == "binary or undecodable file"
    assert by_path[str(empty)].reason == "empty document"
    assert by_path[str(blank)].reason == "empty document"
    assert by_path[str(wrong_encoding)].reason == "binary or undecodable file"
    assert by_path[str(huge)].reason == "file too large (50.0 MB > 25 MB limit)"
    assert by_path[str(invalid_json)].reason.startswith("invalid JSON")
    assert isinstance(by_path[str(invalid_front)], Document)     # read without its front matter
    assert by_path[str(missing)].reason == "no such file or directory"
    assert str(by_path[str(huge)]).startswith(str(huge))


def test_text_with_a_few_nul_bytes_loses_only_them(tmp_path):
    path = write(tmp_path / "stray.txt", b"Header of a file\x00\x00\x00\x10 " + RU_TEXT.encode() * 10)
    doc = read_one(path)
    assert doc.text.startswith("Header of a file " + RU_TEXT[:20]) and "\x00" not in doc.text
    assert doc.meta["read_warnings"] == ["removed 4 control character(s) (NUL, BEL, ...)"]


def test_image_renamed_to_txt_is_binary(tmp_path):
    path = write(tmp_path / "image.txt", b"\x89PNG\r\n\x1a\n" + RU_TEXT.encode() * 10)
    assert failure_of(path).reason == "binary or undecodable file (PNG image)"


def test_max_bytes_is_configurable(tmp_path):
    path = write(tmp_path / "a.txt", "абзац текста " * 100_000)
    assert failure_of(path, max_bytes=2**20).reason == "file too large (2.3 MB > 1 MB limit)"


def test_mostly_control_characters_is_binary(tmp_path):
    path = write(tmp_path / "ctl.txt", ("\x01\x02\x03\x1b" * 50 + "abc").encode())
    assert failure_of(path).reason == "binary or undecodable file"


def test_special_file_is_not_read():
    [failure] = read_all("/dev/zero")     # reading it would never end
    assert failure.reason == "not a regular file"


# ---------------------------------------------------------------------------
# Paths, folders, identity
# ---------------------------------------------------------------------------

def test_folder_walk_is_recursive_sorted_and_skips_hidden_and_unknown(tmp_path):
    write(tmp_path / "b.txt", RU_TEXT)
    write(tmp_path / "a" / "z.md", RU_TEXT)
    write(tmp_path / "a" / "data.csv", RU_TEXT)
    write(tmp_path / ".git" / "notes.txt", RU_TEXT)
    write(tmp_path / ".hidden.txt", RU_TEXT)
    write(tmp_path / "c.HTML", HTML_PAGE)
    paths = [r.path for r in read_all(tmp_path)]
    assert paths == [str(tmp_path / "b.txt"), str(tmp_path / "c.HTML"), str(tmp_path / "a" / "z.md")]


def test_explicit_file_with_unknown_extension_is_read_as_text(tmp_path):
    doc = read_one(write(tmp_path / "article.text", RU_TEXT))
    assert doc.text == RU_TEXT
    assert doc.media_type == "text/plain"


def test_same_bytes_give_same_id(tmp_path):
    first = write(tmp_path / "one.txt", RU_TEXT)
    copy = write(tmp_path / "copy" / "two.txt", RU_TEXT)
    a, b = read_one(first), read_one(first)
    assert a.id == b.id and a.sha256 == b.sha256
    assert read_one(copy).id == a.id
    assert read_one(write(tmp_path / "other.txt", RU_TEXT + " ")).id != a.id


# ---------------------------------------------------------------------------
# Language and dates
# ---------------------------------------------------------------------------

def test_detect_language_by_script():
    assert detect_language(RU_TEXT) == "ru"
    assert detect_language(EN_TEXT) == "en"
    assert detect_language("Да.") is None
    assert detect_language("12345 67890 !!!") is None


@pytest.mark.parametrize("given, expected", [
    ("2026-02-03", "2026-02-03"),
    ("2026-02-03T10:00:00", "2026-02-03T10:00:00"),
    ("2026-02-03 10:00", "2026-02-03T10:00:00"),
    ("2026-02-03T10:00:00Z", "2026-02-03T10:00:00+00:00"),
    ("2026-02", "2026-02"),
    ("2026", "2026"),
    ("03.02.2026", "2026-02-03"),
    ("3.2.2026 10:05", "2026-02-03T10:05:00"),
    ("Tue, 03 Feb 2026 10:00:00 +0300", "2026-02-03T10:00:00+03:00"),
    ("3 февраля 2026 года", "2026-02-03"),
    ("February 3, 2026", "2026-02-03"),
    ("31.02.2026", None),
    ("недавно", None),
    ("", None),
    (None, None),
])
def test_normalize_published(given, expected):
    assert normalize_published(given) == expected


# ---------------------------------------------------------------------------
# Cleaning
# ---------------------------------------------------------------------------

def _sample_article() -> Path:
    here = Path(__file__).resolve()
    for base in (here.parents[1], here.parents[2]):
        candidate = base / "shared" / "eval" / "corpus" / "kz-extraditions-2026.ru.txt"
        if candidate.exists():
            return candidate
    pytest.skip("the shared eval corpus is not in this checkout")


def test_sample_article_loses_exactly_its_debris():
    path = _sample_article()
    original = paragraphs(path.read_text(encoding="utf-8"))
    garbled = "С строки лидирует внутренних дел Марат Ахметжанов."
    headlines = [p for p in original if p.startswith(("Пресс-секретарь Кремля", "Почему Россия убила Навального"))]
    assert garbled in original and len(headlines) == 2

    doc = read_one(path)

    assert doc.removed == [garbled] + headlines
    assert paragraphs(doc.text) == [p for p in original if p != garbled and p not in headlines]


ARTICLE = [
    "Власти Грузии задержали в Тбилиси журналиста Андрея Соколова, который уехал из России "
    "осенью 2022 года. Об этом сообщила правозащитная организация «Право на защиту».",
    "Соколова задержали утром 12 марта у подъезда дома в районе Сабуртало. По данным правозащитников, "
    "полицейские не представились и не объяснили причину задержания. Вечером того же дня суд в Тбилиси "
    "отправил журналиста под стражу на три месяца до рассмотрения запроса об экстрадиции.",
    "Адвокат журналиста Леван Гелашвили сообщил, что Соколова обвиняют в распространении «фейков» об армии. "
    "«Мы считаем запрос об экстрадиции политически мотивированным и будем добиваться освобождения "
    "подзащитного», — сказал Гелашвили. Прошение об убежище журналист подал ещё в прошлом году.",
    "Соколов работал корреспондентом независимого издания в Екатеринбурге и писал о преследовании "
    "участников антивоенных акций. В 2023 году суд заочно арестовал журналиста и объявил его в розыск.",
]
FINAL_ON_TOPIC = "Решение по запросу об экстрадиции журналиста суд Тбилиси примет в апреле."
PULL_QUOTE = "«Мы считаем запрос об экстрадиции политически мотивированным»"
UNRELATED_HEADLINES = [
    "Центробанк повысил ключевую ставку до 18 процентов годовых.",
    "Почему в Европе дорожает оливковое масло? Аналитики рынка объясняют рост цен засухой в Испании.",
]


def test_pull_quote_and_trailing_headlines_are_removed():
    text = "\n\n".join(ARTICLE[:2] + [PULL_QUOTE] + ARTICLE[2:] + [FINAL_ON_TOPIC] + UNRELATED_HEADLINES)
    cleaned, removed = clean_text(text)
    assert removed == [PULL_QUOTE] + UNRELATED_HEADLINES
    assert paragraphs(cleaned) == ARTICLE + [FINAL_ON_TOPIC]


def test_short_on_topic_final_paragraph_is_kept():
    text = "\n\n".join(ARTICLE + [FINAL_ON_TOPIC])
    cleaned, removed = clean_text(text)
    assert removed == []
    assert cleaned == text


def test_garbled_copy_of_a_sentence_tail_is_removed():
    # Debris made up for the test: the end of the first sentence of ARTICLE[0]
    # behind two stray words, as a broken caption extraction leaves it.
    garbled = "Меню раздела уехал из России осенью 2022 года."
    text = "\n\n".join(ARTICLE[:2] + [garbled] + ARTICLE[2:])
    cleaned, removed = clean_text(text)
    assert removed == [garbled]
    assert paragraphs(cleaned) == ARTICLE


def test_short_paragraphs_repeating_a_phrase_with_new_facts_are_kept():
    own_lines = [
        "Дело Соколова — не единственное.",
        "Суд в Тбилиси отправил под стражу ещё двоих.",             # starts like a sentence of ARTICLE[1]
        "Адвокат журналиста Леван Гелашвили подал апелляцию.",      # starts like ARTICLE[2]
        "Его брат тоже уехал из России осенью 2022 года.",         # ends like ARTICLE[0], but "его" refers back
    ]
    text = "\n\n".join(ARTICLE + own_lines)
    cleaned, removed = clean_text(text)
    assert removed == []
    assert all(line in paragraphs(cleaned) for line in own_lines)


def test_short_final_paragraph_that_refers_back_is_kept():
    # Few words shared with the body, but "он" points at the journalist.
    final = "Сам он называет обвинения местью за публикации о коррупции в полиции."
    text = "\n\n".join(ARTICLE + [final])
    assert clean_text(text) == (text, [])


def test_repeated_paragraph_is_removed_once():
    text = "\n\n".join(ARTICLE + [ARTICLE[1]])
    cleaned, removed = clean_text(text)
    assert removed == [ARTICLE[1]]
    assert paragraphs(cleaned) == ARTICLE


def test_final_remark_about_the_main_person_is_kept():
    # Mostly new words, but it is about Sokolov, whom the whole article is about.
    final = "Соколов известен и как автор детских книг о путешествиях по Уралу и Сибири."
    text = "\n\n".join(ARTICLE + [final])
    assert clean_text(text) == (text, [])


def test_final_paragraph_continuing_the_one_before_is_kept():
    # Mostly new words, but it goes on about the photographer of the paragraph before.
    second_person = ("Вместе с Соколовым задержали фотографа Илью Морозова, который снимал протесты "
                     "в Екатеринбурге.")
    final = ("Фотографа Морозова отпустили под залог в пять тысяч лари и обязали носить электронный браслет, "
             "сдать загранпаспорт и еженедельно являться к следователю.")
    text = "\n\n".join(ARTICLE + [second_person, final])
    assert clean_text(text) == (text, [])


def test_digest_of_unrelated_items_is_left_alone():
    digest = [
        "Суд в Минске приговорил блогера Ольгу Ковалёву к четырём годам колонии за комментарии в интернете.",
        "Турецкие пограничники не пустили уроженца Дагестана Руслана Магомедова, который просил убежища.",
        "Центробанк повысил ключевую ставку до 18 процентов годовых.",
        "В Армении задержали бывшего депутата Госдумы по запросу Интерпола.",
        "Почему в Европе дорожает оливковое масло? Аналитики объясняют рост цен засухой.",
        "Футбольный клуб «Зенит» сменил главного тренера после серии поражений.",
        "Сильный снегопад парализовал движение транспорта на трассах Подмосковья.",
        "Археологи нашли под Новгородом берестяную грамоту двенадцатого века.",
        "Авиакомпания отменила рейсы в Калининград из-за нехватки топлива.",
        "Министерство просвещения утвердило новый учебник истории для старших классов.",
        "Учёные вывели морозостойкий сорт винограда для северных регионов.",
        "Пожар на складе в Казани тушили восемь часов.",
    ]
    text = "\n\n".join(digest)
    assert clean_text(text) == (text, [])


def test_english_article_loses_trailing_headlines_only():
    article = [
        "Georgian police detained the Russian journalist Andrei Sokolov in Tbilisi on Tuesday, according to "
        "the rights group Legal Shield. Sokolov left Russia in the autumn of 2022.",
        "Officers arrested Sokolov outside his apartment building. A Tbilisi court later ordered him held "
        "for three months while prosecutors review an extradition request from Moscow.",
        "Sokolov's lawyer, Levan Gelashvili, said the charges relate to anti-war posts on social media. "
        "\"We consider the extradition request politically motivated,\" Gelashvili said.",
        "Sokolov worked as a correspondent for an independent outlet in Yekaterinburg. In 2023 a Russian "
        "court arrested him in absentia and put him on a wanted list.",
        "The court will rule on the extradition request in April.",
    ]
    headlines = [
        "Central bank raises key interest rate to 18 percent",
        "Why is olive oil getting more expensive in Europe? Analysts blame drought in Spain.",
    ]
    cleaned, removed = clean_text("\n\n".join(article + headlines))
    assert removed == headlines
    assert paragraphs(cleaned) == article


def test_page_furniture_lines_are_removed():
    furniture = [
        "Фото: Reuters",
        "Читайте также: В Грузии задержали ещё одного журналиста",
        "Подписывайтесь на наш Telegram-канал",
        "Поделиться",
        "Мы используем файлы cookies. Продолжая пользоваться сайтом, вы соглашаетесь с этим.",
    ]
    look_alikes = [
        "Полиция изъяла у журналиста фотоаппарат, ноутбук и фото с акций.",
        "Видео — главное доказательство защиты, считает адвокат.",
        "Подписаться под обращением в защиту Соколова успели более двух тысяч человек.",
        "Парламент принял закон о файлах cookie.",
    ]
    text = "\n\n".join([ARTICLE[0], furniture[0], ARTICLE[1], furniture[1], *look_alikes,
                        ARTICLE[2], furniture[2], furniture[3], furniture[4]])
    cleaned, removed = clean_text(text)
    assert removed == furniture
    assert paragraphs(cleaned) == [ARTICLE[0], ARTICLE[1], *look_alikes, ARTICLE[2]]


def test_whitespace_and_invisible_characters_are_normalised():
    text = "  Первая\u200b строка\u00ad текста.\r\n\r\n\r\n\r\nВторая   строка\tтекста.\x07 \n"
    assert clean_text(text) == ("Первая строка текста.\n\nВторая строка текста.", [])


def test_single_no_break_space_is_kept():
    assert clean_text("Арестован 400\u00a0000 раз.")[0] == "Арестован 400\u00a0000 раз."


def test_text_with_single_line_breaks_has_one_paragraph_per_line():
    assert clean_text("Первая строка.\nВторая строка.\n")[0] == "Первая строка.\n\nВторая строка."


def test_cleaning_never_removes_everything():
    assert clean_text("Поделиться") == ("Поделиться", [])
