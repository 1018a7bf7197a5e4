"""Full-text search (khronika.search) through the Store: on real SQLite files, and
on PostgreSQL (khronika.search_pg) when KHRONIKA_TEST_DB=postgresql."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from khronika import search as search_module
from khronika.model import Document, EventMention, Person, PersonMention
from khronika.search import parse_query, rebuild_index
from khronika.store import open_store
from khronika.store.store import MIGRATIONS_DIR

EMELYANOVA = Person(id="P-emelyanova", name="Юлия Емельянова", name_latin="Yulia Emelyanova",
                    role="subject")
KACHKURKIN = Person(id="P-kachkurkin", name="Семён Качкуркин", name_latin="Semyon Kachkurkin",
                    role="subject")


def add(store, doc_id: str, text: str, *, title: str | None = None, source: str | None = "ovd.info",
        person: Person | None = None, events: list[dict] | None = None) -> None:
    """Store one document; each event dict names type, evidence (a sentence of
    the text) and optionally date and place, all for `person`."""
    doc = Document(id=doc_id, path=f"{doc_id}.txt", text=text, sha256=f"sha-{doc_id}",
                   captured_at="2026-02-03T12:00:00+00:00", raw=text.encode(), title=title,
                   url=f"https://example.org/{doc_id}", source=source, published="2026-02-03")
    persons, mentions, event_mentions = [], [], []
    if person is not None:
        persons = [person]
        mentions = [PersonMention(local_id="p1", name=person.name, surface_forms=[person.name],
                                  role="subject")]
        for event in events or []:
            start = text.index(event["evidence"])
            event_mentions.append(EventMention(
                person="p1", type=event["type"], evidence=event["evidence"], document=doc_id,
                date=event.get("date"), place=event.get("place"), start=start,
                end=start + len(event["evidence"]), trigger=event["type"]))
    assert store.add_document(doc, mentions, persons, {"p1": person.id} if person else {},
                              event_mentions)


def ids(page) -> list[str]:
    return [hit.document_id for hit in page.hits]


@pytest.fixture
def store(tmp_path):
    with open_store(str(tmp_path / "k.db")) as opened:
        yield opened


@pytest.fixture
def corpus(store):
    add(store, "d-detained", "Вчера в Алматы задержан гражданин России. Его отпустили вечером.",
        title="Задержание в Алматы")
    add(store, "d-detention", "Правозащитники сообщили о задержании активиста в аэропорту.")
    add(store, "d-they-detained", "Силовики задержали журналистку прямо на улице.")
    add(store, "d-fate", "Его судьба неизвестна. Родные ищут его.")
    add(store, "d-court", "Суд отправил его под арест. Заседание суда длилось час.")
    add(store, "d-en", "He was extradited to Russia last week, rights groups said.",
        source="reuters.com")
    add(store, "d-en2", "Kazakhstan approved the extradition of a Russian deserter.",
        source="reuters.com")
    add(store, "d-semyon", "Семён Качкуркин бежал из России в 2022 году.")
    return store


# ---------------------------------------------------------------- morphology

def test_russian_inflection_and_derivation(corpus):
    found = set(ids(corpus.search("задержали")))
    assert {"d-detained", "d-detention", "d-they-detained"} <= found
    assert "d-fate" not in found
    assert set(ids(corpus.search("задержание"))) >= {"d-detained", "d-detention"}


def test_short_words_match_inflections_not_longer_words(corpus):
    found = set(ids(corpus.search("суд")))
    assert "d-court" in found
    assert "d-fate" not in found                      # "судьба" is not "суд"


def test_english_stems(corpus):
    assert set(ids(corpus.search("extradited"))) == {"d-en", "d-en2"}
    assert set(ids(corpus.search("extradite"))) == {"d-en", "d-en2"}


def test_yo_and_case_are_folded(corpus):
    assert ids(corpus.search("СЕМЕН")) == ["d-semyon"]
    assert ids(corpus.search("семён качкуркин")) == ["d-semyon"]


def test_words_are_anded_and_quoted_phrases_are_phrases(corpus):
    assert ids(corpus.search("задержан Алматы")) == ["d-detained"]
    assert ids(corpus.search("Алматы журналистку")) == []
    assert ids(corpus.search('"задержали журналистку"')) == ["d-they-detained"]
    assert ids(corpus.search('"журналистку задержали"')) == []


def test_title_is_searched(corpus):
    add(corpus, "d-title-only", "Подробности позже.", title="Депортация из Грузии")
    assert ids(corpus.search("депортация")) == ["d-title-only"]
    assert corpus.search("депортация").hits[0].sentence == "Депортация из Грузии"


def test_best_sentence_and_escaped_snippet(store):
    add(store, "d-hostile", "Вступление без ключевых слов. <script>alert('x')</script> Его задержали "
                            "в Бишкеке & отпустили. Конец.")
    page = store.search("задержали Бишкеке")
    hit, = page.hits
    assert hit.sentence == "<script>alert('x')</script> Его задержали в Бишкеке & отпустили."
    assert "<script>" not in hit.snippet_html
    assert hit.snippet_html == ("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Его "
                                "<mark>задержали</mark> в <mark>Бишкеке</mark> &amp; отпустили.")
    assert (hit.url, hit.source, hit.sha256, hit.published) == (
        "https://example.org/d-hostile", "ovd.info", "sha-d-hostile", "2026-02-03")
    assert hit.score is not None


def test_long_sentences_are_cut_around_the_match(store):
    text = " ".join(["слово"] * 200) + " задержан " + " ".join(["ещё"] * 200)
    add(store, "d-long", text)
    hit, = store.search("задержан").hits
    assert len(hit.sentence) <= search_module.SENTENCE_MAX + 2
    assert "<mark>задержан</mark>" in hit.snippet_html
    assert hit.sentence.startswith("…") and hit.sentence.endswith("…")


@pytest.mark.parametrize("query", [
    '"', '""', '"""', "*", "**", "NEAR(", "NEAR(a b", "OR", "AND", "NOT", "a OR", "(", ")", "^",
    "-", ":", "'; DROP TABLE documents; --", "задержан\"*", "col:задержан", "🙂", "\x00", "\u200b",
    "задерж* OR суд", "{terms}: x", "ё" * 500, " ".join(["слово"] * 100),
])
def test_hostile_queries_never_raise(corpus, query):
    page = corpus.search(query)
    assert page.total >= 0
    assert corpus.counts()["documents"] == 8


@pytest.mark.parametrize("query", ['"', "*", "!!!", "   ", "", "()", "-- ;", "«»"])
def test_punctuation_only_finds_nothing(corpus, query):
    page = corpus.search(query)
    assert (page.total, page.total_capped, page.hits) == (0, False, [])


def test_fts_operators_in_user_text_are_plain_words(store):
    add(store, "d-or", "Слово OR стоит здесь, и NEAR тоже.")
    add(store, "d-other", "Другой текст.")
    assert ids(store.search("OR NEAR")) == ["d-or"]
    assert ids(store.search("near")) == ["d-or"]


def test_query_terms_are_quoted_stems():
    # The Russian prefix, and the English words of the same event (EVENT_WORDS) as OR alternatives.
    assert parse_query("Задержали").fts() == '("detain" OR "задерж"*)'
    assert parse_query('x"y').fts() == '"x" + "y"'            # a stray quote joins, like a hyphen
    assert parse_query('"x y" z').fts() == '"x" + "y" AND "z"'
    assert not parse_query("\"*()'")


# ---------------------------------------------------------------- filters

@pytest.fixture
def with_events(store):
    add(store, "e1", "Юлию Емельянову задержали в Алматы. Позже её отпустили.",
        person=EMELYANOVA, source="ovd.info",
        events=[{"type": "detained", "evidence": "Юлию Емельянову задержали в Алматы.",
                 "date": "2024-03-05", "place": "Алматы"}])
    add(store, "e2", "Семёна Качкуркина задержали в Стамбуле. Суд отказал в экстрадиции.",
        person=KACHKURKIN, source="zona.media",
        events=[{"type": "detained", "evidence": "Семёна Качкуркина задержали в Стамбуле.",
                 "date": "2025-01", "place": "Стамбул"},
                {"type": "extradition_denied", "evidence": "Суд отказал в экстрадиции.",
                 "date": "2025-02"}])
    add(store, "e3", "Ещё одного человека задержали вчера.", source="ovd.info")
    return store


def test_filter_by_person_type_country_date_and_source(with_events):
    s = with_events
    assert set(ids(s.search("задержали"))) == {"e1", "e2", "e3"}
    assert ids(s.search("задержали", person_id="P-emelyanova")) == ["e1"]
    assert ids(s.search("задержали", types=["extradition_denied"])) == ["e2"]
    assert set(ids(s.search("задержали", types=["detained", "released"]))) == {"e1", "e2"}
    assert ids(s.search("задержали", country="KZ")) == ["e1"]
    assert ids(s.search("задержали", country="Турция")) == ["e2"]
    assert ids(s.search("задержали", country="tr")) == ["e2"]
    assert ids(s.search("задержали", date_from="2025")) == ["e2"]
    assert ids(s.search("задержали", date_to="2024-03")) == ["e1"]
    assert ids(s.search("задержали", date_from="2024-03-05", date_to="2024-03-05")) == ["e1"]
    assert set(ids(s.search("задержали", source="ovd.info"))) == {"e1", "e3"}
    assert ids(s.search("задержали", source="ovd.info", person_id="P-kachkurkin")) == []


def test_event_filters_give_the_events_evidence_as_sentence(with_events):
    hit, = with_events.search("экстрадиции", types=["extradition_denied"]).hits
    assert hit.sentence == "Суд отказал в экстрадиции."
    assert hit.snippet_html == "Суд отказал в <mark>экстрадиции</mark>."
    hit, = with_events.search("задержали", person_id="P-kachkurkin").hits
    assert hit.sentence == "Семёна Качкуркина задержали в Стамбуле."


def test_events_get_their_country(with_events):
    with with_events.engine.connect() as connection:
        rows = dict(connection.execute(sa.text("SELECT evidence, country FROM events")).all())
    assert rows == {"Юлию Емельянову задержали в Алматы.": "KZ",
                    "Семёна Качкуркина задержали в Стамбуле.": "TR",
                    "Суд отказал в экстрадиции.": None}


def test_confirmed_only(with_events):
    assert ids(with_events.search("задержали", confirmed_only=True)) == []
    with with_events.engine.begin() as connection:
        connection.execute(sa.text("UPDATE events SET review_status = 'confirmed' "
                                   "WHERE document_id = 'e2' AND type = 'detained'"))
    assert ids(with_events.search("задержали", confirmed_only=True)) == ["e2"]


# ---------------------------------------------------------------- paging and the cap

def test_pagination_covers_every_match_once(store):
    for n in range(25):
        add(store, f"p{n:02}", f"Документ номер {n}: задержан человек." + " задержан" * (n % 5))
    seen = []
    for offset in range(0, 30, 7):
        page = store.search("задержан", limit=7, offset=offset)
        assert (page.total, page.total_capped) == (25, False)
        seen.extend(ids(page))
    assert sorted(seen) == sorted(f"p{n:02}" for n in range(25))
    scores = [hit.score for hit in store.search("задержан", limit=25).hits]
    assert scores == sorted(scores, reverse=True)


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(search_module, "COUNT_CAP", 4)


def test_capped_total_lists_newest_first(store, small_cap):
    for n in range(10):
        add(store, f"c{n}", f"Задержан человек номер {n}.")
    page = store.search("задержан", limit=3)
    assert (page.total, page.total_capped) == (4, True)
    assert ids(page) == ["c9", "c8", "c7"]
    assert all(hit.score is None for hit in page.hits)
    assert ids(store.search("задержан", limit=3, offset=3)) == ["c6", "c5", "c4"]
    assert store.search("задержан номер 3").total == 1


def test_capped_common_word_with_few_filtered_documents(store, small_cap):
    for n in range(10):
        add(store, f"c{n}", f"Задержан человек номер {n}.", source="a" if n in (2, 5) else "b")
    add(store, "c-other", "Ничего общего.", source="a")
    page = store.search("задержан", source="a")
    assert (page.total, page.total_capped, ids(page)) == (2, False, ["c5", "c2"])


def test_capped_common_word_with_many_filtered_documents(store, small_cap):
    for n in range(12):
        add(store, f"c{n:02}", f"Задержан человек номер {n}.", source="a" if n % 3 else "b")
    page = store.search("задержан", source="a", limit=2)
    assert ids(page) == ["c11", "c10"]
    assert page.total >= 2
    everything = store.search("задержан", source="a", limit=50)
    assert everything.total == 4 and everything.total_capped
    # Counting stops at the cap; the pages do not.
    assert ids(everything) == ["c11", "c10", "c08", "c07", "c05", "c04", "c02", "c01"]
    page = store.search("задержан", source="b", limit=50)      # 4 documents, all walked
    assert (page.total, page.total_capped) == (4, True)       # the cap was reached
    assert ids(page) == ["c09", "c06", "c03", "c00"]


# ---------------------------------------------------------------- index maintenance

def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def test_migration_backfills_index_and_countries(tmp_path):
    path = tmp_path / "old.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
        connection.execute(sa.text(
            "INSERT INTO documents (id, path, title, media_type, sha256, captured_at, text, meta, "
            "removed, analysed, stored_at) VALUES ('old', 'old.txt', 'Старое', 'text/plain', 'x', "
            "'2025', 'Его депортировали из Бишкека.', '{}', '[]', 1, '2025')"))
        connection.execute(sa.text(
            "INSERT INTO persons (id, name, name_latin, role, attributes, created_at, updated_at, "
            "locked) VALUES ('P', 'Имя', 'Name', 'subject', '{}', '2025', '2025', 0)"))
        connection.execute(sa.text(
            "INSERT INTO events (id, document_id, person_id, type, evidence, span_start, span_end, "
            "confidence, created_at) VALUES ('ev', 'old', 'P', 'deported', "
            "'Его депортировали из Бишкека.', 0, 10, 0.9, '2025')"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003_search")
    with engine.connect() as connection:
        assert ids(search_module.search(connection, "депортирован")) == ["old"]
        assert ids(search_module.search(connection, "старое")) == ["old"]
        assert connection.execute(sa.text("SELECT country FROM events")).scalar() == "KG"
        assert connection.execute(sa.text(
            "SELECT count(*) FROM search_terms WHERE term = 'депортирова'")).scalar() == 1
    engine.dispose()


@pytest.mark.sqlite_only            # the FTS5 table; PostgreSQL's index is a generated column
def test_rebuild_index(corpus):
    with corpus.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM documents_fts"))
    assert corpus.search("задержали").total == 0
    with corpus.engine.begin() as connection:
        assert rebuild_index(connection) == 8
    assert corpus.search("задержали").total == 3


def test_other_backends_are_not_supported_yet():
    class Dialect:
        name = "mssql"

    class Connection:
        dialect = Dialect()

    with pytest.raises(NotImplementedError):
        search_module.search(Connection(), "задержан")


def test_action_nouns_and_their_verbs_find_each_other(store):
    add(store, "v-detained", "Пограничники задержали Юлию в аэропорту.")
    add(store, "v-deported", "Его депортировали в Россию.")
    add(store, "v-extradited", "Его экстрадировали вчера.")
    add(store, "n-deportation", "Депортация заняла три часа.")
    assert ids(store.search("задержание")) == ["v-detained"]
    assert set(ids(store.search("депортация"))) == {"v-deported", "n-deportation"}
    assert set(ids(store.search("депортировали"))) == {"v-deported", "n-deportation"}
    assert ids(store.search("экстрадиция")) == ["v-extradited"]


def test_out_of_range_paging_is_clamped(corpus):
    assert corpus.search("задержали", offset=10**30).hits == []
    assert corpus.search("задержали", limit=-5).hits == []
    assert len(corpus.search("задержали", limit=10**30).hits) == 3


# ---------------------------------------------------------------- keyset paging and facets

def _walk(store, query, limit, **filters) -> list[str]:
    """Every hit, page after page by cursor."""
    seen, after = [], None
    for _ in range(100):
        page = store.search(query, limit=limit, after=after, **filters)
        seen.extend(ids(page))
        after = page.next_cursor
        if after is None:
            return seen
    raise AssertionError("the cursor never ended")


def _paging_corpus(store):
    for n in range(23):
        add(store, f"k{n:02}", f"Документ {n}: задержан человек." + " задержан" * (n % 4),
            source="a" if n % 2 else "b", person=EMELYANOVA if n % 3 == 0 else KACHKURKIN,
            events=[{"type": "detained" if n % 5 else "released",
                     "evidence": f"Документ {n}: задержан человек.",
                     "date": f"2024-{n % 12 + 1:02d}-01", "place": "Алматы" if n % 2 else "Стамбул"}])


@pytest.mark.parametrize("filters", [
    {}, {"source": "a"}, {"person_id": "P-kachkurkin"}, {"types": ["released"]},
    {"country": "KZ", "date_from": "2024-03", "date_to": "2024-09"}, {"date_to": "2024-02"}])
def test_keyset_pages_return_every_hit_once(store, filters):
    _paging_corpus(store)
    everything = ids(store.search("задержан", limit=200, **filters))
    assert everything, filters
    for limit in (1, 4, 7):
        assert _walk(store, "задержан", limit, **filters) == everything


def test_keyset_pages_past_the_cap_return_every_hit_once(store, small_cap):
    _paging_corpus(store)
    for filters in ({}, {"source": "b"}, {"person_id": "P-emelyanova"}):
        expected = ids(store.search("задержан", limit=200, **filters))
        assert store.search("задержан", **filters).total_capped
        assert _walk(store, "задержан", 3, **filters) == expected
        assert expected == sorted(expected, reverse=True)      # newest stored first
    # Filters without words page the same way.
    assert _walk(store, "", 2, source="a") == [f"k{n:02}" for n in range(22, -1, -1) if n % 2]


def test_a_bad_cursor_is_a_value_error(corpus):
    for cursor in ("x", "e30", "W251bGwsIjEiXQ", "!" * 300):
        with pytest.raises(ValueError):
            corpus.search("задержали", after=cursor)


def test_filters_need_one_event_with_every_value(store):
    add(store, "two", "Юлию Емельянову задержали в Алматы. Семёна Качкуркина задержали в Стамбуле.",
        person=EMELYANOVA, events=[{"type": "detained", "evidence": "Юлию Емельянову задержали в Алматы.",
                                    "place": "Алматы", "date": "2024-05-01"}])
    with store.engine.begin() as connection:
        # A second event of the same document, with another country and date.
        connection.execute(sa.text(
            "INSERT INTO events (id, document_id, person_id, type, date, place, country, evidence, "
            "span_start, span_end, confidence, review_status, created_at) VALUES ('ev2', 'two', "
            "'P-emelyanova', 'released', '2025-01', 'Стамбул', 'TR', 'x', 0, 1, 0.9, 'pending', '2025')"))
    assert ids(store.search("задержали", country="TR")) == ["two"]
    assert ids(store.search("задержали", country="TR", types=["detained"])) == []
    assert ids(store.search("задержали", country="KZ", date_from="2025")) == []
    assert ids(store.search("задержали", country="TR", date_from="2025")) == ["two"]


def test_the_index_follows_event_changes(with_events):
    s = with_events
    with s.engine.begin() as connection:
        connection.execute(sa.text("UPDATE events SET country = 'TH' WHERE document_id = 'e1'"))
    assert ids(s.search("задержали", country="TH")) == ["e1"]
    assert ids(s.search("задержали", country="KZ")) == []
    with s.engine.begin() as connection:
        connection.execute(sa.text("UPDATE events SET person_id = 'P-kachkurkin' WHERE document_id = 'e1'"))
    assert set(ids(s.search("задержали", person_id="P-kachkurkin"))) == {"e1", "e2"}
    assert ids(s.search("", person_id="P-emelyanova")) == []
    with s.engine.begin() as connection:
        connection.execute(sa.text("DELETE FROM events WHERE document_id = 'e2'"))
        connection.execute(sa.text("UPDATE documents SET source = 'new.source' WHERE id = 'e3'"))
    assert ids(s.search("задержали", person_id="P-kachkurkin")) == ["e1"]
    assert ids(s.search("задержали", source="new.source")) == ["e3"]


QUERIES_AND_FILTERS = [("задержан", {}), ("задержан", {"source": "a"}), ("", {"person_id": "P-kachkurkin"}),
                       ("задержан человек", {"country": "TR", "types": ["detained"]}),
                       ("задержан", {"date_from": "2024-06", "date_to": "2024-08"}),
                       ("задержан", {"confirmed_only": True}), ("документ", {"date_from": "2024-10"})]


def test_same_documents_after_an_index_rebuild(store):
    _paging_corpus(store)
    with store.engine.begin() as connection:
        connection.execute(sa.text("UPDATE events SET review_status = 'confirmed' WHERE type = 'released'"))
    before = [_walk(store, q, 5, **f) for q, f in QUERIES_AND_FILTERS]
    assert all(before) and len(set(map(tuple, before))) == len(before)
    with store.engine.begin() as connection:
        rebuild_index(connection)
    assert [_walk(store, q, 5, **f) for q, f in QUERIES_AND_FILTERS] == before


def test_search_index_rebuild_command(corpus, capsys):
    from khronika.cli import main
    before = {q: ids(corpus.search(q)) for q in ("задержали", "суд", "extradited")}
    if corpus.engine.dialect.name == "sqlite":
        with corpus.engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM documents_fts"))      # a lost index
        assert corpus.search("задержали").total == 0
    assert main(["search-index", "rebuild", "--db", corpus.url]) == 0
    assert "8 documents" in capsys.readouterr().out
    assert {q: ids(corpus.search(q)) for q in before} == before
