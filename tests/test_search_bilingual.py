"""Search across scripts and languages (issue 13, item 5), through the Store on
SQLite and, with KHRONIKA_TEST_DB=postgresql, on PostgreSQL: a name in either
script finds both, an event word of one language finds reports in the
other, and an untitled document is titled by its first line."""
from __future__ import annotations

import pytest
from test_search import EMELYANOVA, add, ids

from khronika.search_text import EVENT_WORDS, parse_query, query_term
from khronika.store import open_store


@pytest.fixture
def store(tmp_path):
    with open_store(str(tmp_path / "k.db")) as opened:
        yield opened


@pytest.fixture
def reports(store):
    add(store, "ru-zhilin", "Михаила Жилина задержали на границе с Казахстаном.", title="Жилин задержан")
    add(store, "en-zhilin", "Kazakh border guards detained Mikhail Zhilin, a Russian deserter.",
        title="Zhilin detained")
    add(store, "ru-extradition", "Суд одобрил экстрадицию активистки в Россию.", title="Экстрадиция")
    add(store, "en-extradition", "A court in Astana approved her extradition to Russia.", title="Extradition")
    add(store, "en-other", "The weather in Almaty was cold and the post office closed early.",
        title="Weather")
    add(store, "untitled", "Юлию Емельянову выдали России\nСуд в Астане принял решение о выдаче.",
        title=None, person=EMELYANOVA,
        events=[{"type": "extradited", "evidence": "Суд в Астане принял решение о выдаче."}])
    return store


@pytest.mark.parametrize("query", ["Жилин", "Жилина", "Zhilin"])
def test_a_name_in_either_script_finds_reports_in_both(reports, query):
    found = set(ids(reports.search(query)))
    assert {"ru-zhilin", "en-zhilin"} <= found, found
    assert "en-other" not in found and "ru-extradition" not in found


def test_an_inflected_surname_finds_its_english_spelling(reports):
    assert "untitled" in ids(reports.search("Emelyanova"))
    assert "untitled" in ids(reports.search("Емельяновой"))


@pytest.mark.parametrize("query", ["экстрадиция", "extradition"])
def test_an_event_word_finds_reports_in_both_languages(reports, query):
    found = set(ids(reports.search(query)))
    assert {"ru-extradition", "en-extradition"} <= found, found
    assert "en-other" not in found and "ru-zhilin" not in found


def test_a_russian_synonym_finds_the_english_word(reports):
    assert "en-extradition" in ids(reports.search("выдача"))
    """"выдача" (a handing over, as Russian reports call an extradition) finds "extradition"."""
    assert "extradit" in query_term("выдача").exact


@pytest.mark.parametrize("query", ["задержан", "detained"])
def test_detained_in_either_language(reports, query):
    found = set(ids(reports.search(query)))
    assert {"ru-zhilin", "en-zhilin"} <= found, found
    assert "en-extradition" not in found


def test_an_english_word_that_is_no_name_gets_no_cyrillic_alternative():
    assert query_term("post").prefixes == () and query_term("weather").prefixes == ()
    assert query_term("суд").exact == ("суд",)              # a common Russian word stays as it was
    # Every row of the event-word map finds itself in both directions.
    for russian, english in EVENT_WORDS:
        assert query_term(english[0]).prefixes, english
        assert query_term(russian[0]).exact, russian


def test_the_highlight_marks_the_other_languages_word(reports):
    hit = next(h for h in reports.search("экстрадиция").hits if h.document_id == "en-extradition")
    assert "<mark>extradition</mark>" in hit.snippet_html


def test_an_untitled_document_is_titled_by_its_first_line(reports):
    hit = next(h for h in reports.search("Емельянову").hits if h.document_id == "untitled")
    assert hit.title == "Юлию Емельянову выдали России"
    assert reports.document_record("untitled")["title"] == "Юлию Емельянову выдали России"


def test_phrases_still_work_with_alternatives():
    assert parse_query('"задержали на границе"').fts().count("+") >= 2
