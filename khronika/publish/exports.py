"""Exports of the public archive: JSON, CSV, FollowTheMoney, TimelineJS.

Every function takes a `PublicArchive` (khronika/publish/public.py), so an
export can only contain what passed the public gate.

JSON (`write_json`): the SPEC.md output contract, `{"documents", "persons",
"events"}`, limited to public fields. documents: id, url (null when the
document has no http(s) URL; a path on disk is never exported), title,
source, language, published, captured_at, sha256. persons: id, name,
name_latin, aliases, role, gender, countries, latest_type, latest_date (no
`attributes`: they are machine-extracted and never reviewed). events: the
confirmed mentions, one per document and evidence sentence: id, person,
type, date, date_text, place, country (ISO 3166-1 alpha-2 of where it
happened), destination (ISO code of the country a removal or flight went
to), charge, term_years, document, evidence, confidence.

CSV (`write_csv`): one row per fact (a timeline line), columns CSV_COLUMNS
(described in CSV_COLUMN_HELP and docs/publish.md). The first source of the
fact (the earliest published) fills the `source_*` columns and `evidence`;
`source_urls` lists every source's URL joined with " | ", and
`sources_json` holds every source (url, title, source, published,
captured_at, sha256, evidence, document_id) as a JSON array, so that no
source is lost and free text needs no second separator. Text cells that a
spreadsheet would run as a formula (starting with = + - @, a tab or a
carriage return) get a leading apostrophe (the OWASP advice for CSV
injection); nothing else is changed.

FollowTheMoney (`ftm_entities`, `write_ftm`): entities made with the
followthemoney library, one JSON object per line (the `ftm` tools' format,
loadable by Aleph with `alephclient write-entities`):
- Person `khronika-person-<slug>`: name (Cyrillic and Latin), alias, gender;
- Event `khronika-fact-<fact id>`, one per fact: name, summary (the event
  type), date (at its precision) or startDate/endDate for a range,
  location (the place), country (where it happened), notes (the
  destination of a removal, in words with its code, and the charge and
  term: the Event schema has no property for them), involved (the
  Person), description (the first evidence sentence), sourceUrl (every
  source's URL);
- Article `khronika-doc-<document id>`, one per document: title, name,
  publishedAt, sourceUrl, publisher (the source), language, retrievedAt (the
  capture time) and the SHA-256 of the captured snapshot in description
  (FtM's contentHash is a SHA-1 into Aleph's own archive, so it is not used);
- Documentation `khronika-source-<digest>`, one per (fact, document): the
  link between the Event and the Article, role "source", summary = the
  evidence sentence.
Values are cleaned by the followthemoney type registry (a cache keeps it
fast) and entities validate with `Schema.validate` and `ftm validate`.

TimelineJS (`timelinejs`): the TimelineJS3 JSON of one person: a title
slide and one event per dated fact, start_date (and end_date for a range)
as {year, month, day} at the fact's precision, text {headline, text}; the
text (the place with its country, the destination, charge and term, then
the sources) is HTML built here with every value escaped. Undated facts are left
out (TimelineJS needs a year).
"""
from __future__ import annotations

import csv
import hashlib
import html
import io
import json
from collections.abc import Callable, Iterator
from functools import cache, lru_cache
from typing import IO, Any

from khronika.publish.public import PublicArchive, PublicFact, PublicPerson


def N_(message: str) -> str:
    """Marks a string for the message catalog (extracted by pybabel); translated where shown."""
    return message


# ---------------------------------------------------------------- JSON (SPEC contract)

def contract(archive: PublicArchive) -> dict:
    """The SPEC.md output contract, public fields only."""
    return {
        "documents": [{"id": d.id, "url": d.url, "title": d.title, "source": d.source,
                       "language": d.language, "published": d.published,
                       "captured_at": d.captured_at, "sha256": d.sha256}
                      for d in archive.documents.values()],
        "persons": [person_record(p) for p in archive.persons],
        "events": [{"id": e.id, "person": e.person, "type": e.type, "date": e.date,
                    "date_text": e.date_text, "place": e.place, "country": e.country,
                    "destination": e.destination, "charge": e.charge, "term_years": e.term_years,
                    "document": e.document, "evidence": e.evidence, "confidence": e.confidence}
                   for e in archive.events],
    }


def person_record(p: PublicPerson) -> dict:
    return {"id": p.id, "name": p.name, "name_latin": p.name_latin, "aliases": p.aliases,
            "role": p.role, "gender": p.gender, "countries": p.countries,
            "latest_type": p.latest_type, "latest_date": p.latest_date}


def write_json(archive: PublicArchive, out: IO[str], *, indent: int | None = None) -> None:
    """Compact by default (the C encoder; `indent` uses the slower pure-Python one)."""
    if indent is None:
        out.write(json.dumps(contract(archive), ensure_ascii=False))
    else:
        json.dump(contract(archive), out, ensure_ascii=False, indent=indent)
    out.write("\n")


# ---------------------------------------------------------------- CSV

CSV_COLUMNS = (
    "person_id", "person_name", "person_name_latin", "fact_id", "date", "date_text", "type",
    "place", "country", "destination", "charge", "term_years", "source_count", "source_url", "source_title",
    "source_name", "source_published", "source_captured_at", "source_sha256", "evidence",
    "source_urls", "sources_json",
)
CSV_COLUMN_HELP = {
    "person_id": N_("the person's stable id (also the name of their page)"),
    "person_name": N_("the name in Russian, nominative"),
    "person_name_latin": N_("the name in Latin letters"),
    "fact_id": N_("the fact's id (the anchor on the person's page)"),
    "date": N_("ISO 8601 at the precision the sources support: 2026, 2026-01, 2026-01-28, or a range 2022/2023; empty when unknown"),
    "date_text": N_("the words the date was read from"),
    "type": N_("the event type (one of the SPEC event types)"),
    "place": N_("where it happened, as written"),
    "country": N_("ISO 3166-1 alpha-2 code of the country where it happened"),
    "destination": N_("ISO 3166-1 alpha-2 code of the country a removal or flight went to"),
    "charge": N_("the charge, when reported"),
    "term_years": N_("the sentence in years, when reported"),
    "source_count": N_("how many documents reported the fact"),
    "source_url": N_("the first source's URL (empty when it has none)"),
    "source_title": N_("the first source's title"),
    "source_name": N_("the first source's outlet or channel"),
    "source_published": N_("the first source's publication date"),
    "source_captured_at": N_("when the first source was captured (UTC)"),
    "source_sha256": N_("SHA-256 of the captured snapshot of the first source"),
    "evidence": N_("the sentence of the first source that reports the fact"),
    "source_urls": N_("every source's URL, joined with \" | \""),
    "sources_json": N_("every source as a JSON array of {url, title, source, published, captured_at, sha256, evidence, document_id}"),
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def csv_rows(archive: PublicArchive) -> Iterator[list]:
    for person in archive.persons:
        for fact in person.facts:
            first = fact.sources[0]
            sources = [{"url": s.url, "title": s.title, "source": s.source, "published": s.published,
                        "captured_at": s.captured_at, "sha256": s.sha256, "evidence": s.evidence,
                        "document_id": s.document_id} for s in fact.sources]
            yield [_cell(v) for v in (
                person.id, person.name, person.name_latin, fact.id, fact.date, fact.date_text, fact.type,
                fact.place, fact.country, fact.destination, fact.charge, fact.term_years,
                len(fact.sources), first.url,
                first.title, first.source, first.published, first.captured_at, first.sha256,
                first.evidence, " | ".join(s.url for s in fact.sources if s.url),
                json.dumps(sources, ensure_ascii=False))]


def write_csv(archive: PublicArchive, out: IO[str]) -> None:
    """UTF-8 CSV (the caller opens `out` with newline=""), a header row first."""
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_rows(archive))


# ---------------------------------------------------------------- FollowTheMoney

GENDERS = {"m": "male", "f": "female"}


@lru_cache(maxsize=1)
def _ftm():
    from followthemoney import model
    from followthemoney.types import registry
    return model, registry


# Short values repeat (dates, countries, labels, names, URLs): each distinct
# one is cleaned once. Long free text (evidence sentences) is cleaned every time.
_CACHED_LENGTH = 120


@lru_cache(maxsize=100_000)
def _clean_cached(prop, value: str) -> str | None:
    return prop.type.clean(value)


@cache
def _property(schema: str, name: str):
    model, _ = _ftm()
    prop = model.get(schema).properties[name]     # a wrong property name is a KeyError here
    if prop.stub:
        raise ValueError(f"{schema}.{name} is a reverse property: set it from the other side")
    return prop


def _entity(schema: str, entity_id: str, properties: dict[str, Any]):
    """An FtM entity; every value cleaned by the followthemoney type registry
    (invalid ones are dropped, as `EntityProxy.add` does)."""
    model, _ = _ftm()
    proxy = model.make_entity(schema)
    proxy.id = entity_id
    for name, values in properties.items():
        if values is None or isinstance(values, str):
            values = [values]
        prop = _property(schema, name)
        for value in values:
            if value is None or value == "":
                continue
            value = str(value)
            cleaned = _clean_cached(prop, value) if len(value) <= _CACHED_LENGTH else prop.type.clean(value)
            if cleaned is not None:
                proxy.unsafe_add(prop, cleaned, cleaned=True)
    return proxy


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def person_entity_id(person: PublicPerson) -> str:
    return f"khronika-person-{person.slug}"


def ftm_entities(archive: PublicArchive, *, label: Callable[[str], str] | None = None) -> Iterator:
    """The archive as FollowTheMoney entity proxies: Persons, Events,
    Articles and the Documentation links, each Article once, before the
    links that point at it."""
    label = label or (lambda event_type: event_type.replace("_", " "))
    articles_done: set[str] = set()
    for person in archive.persons:
        person_id = person_entity_id(person)
        yield _entity("Person", person_id, {
            "name": [person.name, person.name_latin], "alias": person.aliases,
            "gender": GENDERS.get(person.gender or ""),
        })
        for fact in person.facts:
            yield from _fact_entities(archive, person, person_id, fact, label, articles_done)


def _fact_entities(archive, person, person_id, fact: PublicFact, label, articles_done):
    event_id = f"khronika-fact-{fact.id}"
    start, _, end = (fact.date or "").partition("/")
    dates = {"startDate": start, "endDate": end} if end else {"date": start or None}
    yield _entity("Event", event_id, {
        "name": f"{person.name}: {label(fact.type)}", "summary": label(fact.type),
        "keywords": fact.type, "location": fact.place, "country": fact.country,
        "notes": _event_notes(fact), "involved": person_id, "description": fact.sources[0].evidence,
        "sourceUrl": [s.url for s in fact.sources], **dates,
    })
    for source in fact.sources:
        article_id = f"khronika-doc-{source.document_id}"
        if source.document_id not in articles_done:
            articles_done.add(source.document_id)
            doc = archive.documents[source.document_id]
            yield _entity("Article", article_id, {
                "title": doc.title, "name": doc.title or doc.url or doc.id, "publishedAt": doc.published,
                "sourceUrl": doc.url, "publisher": doc.source, "language": doc.language,
                "retrievedAt": doc.captured_at,
                "description": f"SHA-256 of the captured snapshot: {doc.sha256}" if doc.sha256 else None,
            })
        yield _entity("Documentation", f"khronika-source-{_digest(fact.id, source.document_id)}", {
            "entity": event_id, "document": article_id, "role": "source", "summary": source.evidence,
        })


def _event_notes(fact: PublicFact) -> str | None:
    """What an FtM Event has no property for. Not the destination in
    `country`: that property would then mix where it happened with where
    the person was sent."""
    from khronika.geo import country_name
    from khronika.views import format_term
    notes = []
    if fact.destination:
        notes.append(f"Destination: {country_name(fact.destination, 'en')} ({fact.destination})")
    if fact.charge:
        notes.append(f"Charge: {fact.charge}")
    if fact.term_years:
        notes.append(f"Term: {format_term(fact.term_years, 'en')}")
    return "; ".join(notes) or None


def write_ftm(archive: PublicArchive, out: IO[str], **kwargs) -> int:
    """One entity per line; returns how many."""
    count = 0
    dumps = json.dumps
    for entity in ftm_entities(archive, **kwargs):
        out.write(dumps(entity.to_dict(), ensure_ascii=False))
        out.write("\n")
        count += 1
    return count


# ---------------------------------------------------------------- TimelineJS

def _tl_date(iso: str) -> dict | None:
    parts = iso[:10].split("-")
    if not parts or not parts[0].isdigit():
        return None
    date: dict[str, int] = {"year": int(parts[0])}
    if len(parts) > 1 and parts[1].isdigit():
        date["month"] = int(parts[1])
    if len(parts) > 2 and parts[2][:2].isdigit():
        date["day"] = int(parts[2][:2])
    return date


def timelinejs(person: PublicPerson, *, language: str = "ru",
               gettext: Callable[[str], str] | None = None) -> dict:
    """The TimelineJS3 JSON of one person (every value HTML-escaped: TimelineJS
    renders `text` as HTML)."""
    from khronika.geo import country_name
    from khronika.views import format_term, place_label
    from khronika.web.i18n import EVENT_TYPE_LABELS, date_formatter, translations
    gettext = gettext or translations(language).gettext
    fmt = date_formatter(language)
    esc = html.escape
    captured = esc(gettext("captured"))
    events = []
    for fact in person.facts:
        if not fact.date:
            continue
        start, _, end = fact.date.partition("/")
        start_date = _tl_date(start)
        if start_date is None:
            continue
        headline = esc(gettext(EVENT_TYPE_LABELS.get(fact.type, fact.type)))
        where = place_label(fact.place, fact.country, language)
        if fact.destination:
            where = f"{where} → {country_name(fact.destination, language)}".strip()
        details = "; ".join(x for x in (where, fact.charge, format_term(fact.term_years, language)) if x)
        parts = [f"<p>{esc(details)}</p>" if details else ""]
        for s in fact.sources:
            link = (f'<a href="{esc(s.url)}" rel="noopener noreferrer nofollow">{esc(s.title or s.url)}</a>'
                    if s.url else esc(s.title or s.document_id))
            parts.append(f"<blockquote>{esc(s.evidence)}</blockquote><p>{link}"
                         f"{' · ' + esc(s.source) if s.source else ''}"
                         f" · {captured} {esc(s.captured_at or '')}"
                         f" · SHA-256 <code>{esc(s.sha256 or '')}</code></p>")
        event = {"unique_id": f"fact-{fact.id}",
                 "start_date": {**start_date, "display_date": fmt(fact.date)},
                 "text": {"headline": headline, "text": "".join(parts)},
                 "group": headline}
        end_date = _tl_date(end) if end else None
        if end_date:
            event["end_date"] = end_date
        events.append(event)
    names = " · ".join(esc(n) for n in [person.name_latin, *person.aliases] if n)
    return {"title": {"text": {"headline": esc(person.name), "text": f"<p>{names}</p>"}},
            "events": events}


def write_timelinejs(person: PublicPerson, out: IO[str], **kwargs) -> None:
    out.write(json.dumps(timelinejs(person, **kwargs), ensure_ascii=False, indent=1))
    out.write("\n")


FORMATS = ("json", "csv", "ftm", "timelinejs")


def export(archive: PublicArchive, fmt: str, out: IO[str], *, language: str = "ru") -> None:
    """Write one export format to a text stream (for the CLI). When persons
    are withheld, the export is written to memory first and scanned for
    every form of their names (khronika/publish/withhold.py); nothing is
    written if one is found."""
    scanner = archive.withheld_scanner()
    if scanner is None:
        _export(archive, fmt, out, language=language)
        return
    buffer = io.StringIO(newline="")
    _export(archive, fmt, buffer, language=language)
    text = buffer.getvalue()
    if scanner(text):
        raise ValueError("a withheld name is still in the export; nothing was written")
    out.write(text)


def _export(archive: PublicArchive, fmt: str, out: IO[str], *, language: str = "ru") -> None:
    if fmt == "json":
        write_json(archive, out, indent=1)
    elif fmt == "csv":
        write_csv(archive, out)
    elif fmt == "ftm":
        write_ftm(archive, out, label=event_label_en)
    elif fmt == "timelinejs":
        if len(archive.persons) != 1:
            raise ValueError("TimelineJS is one person's timeline: name exactly one person")
        write_timelinejs(archive.persons[0], out, language=language)
    else:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")


def event_label_en(event_type: str) -> str:
    from khronika.web.i18n import EVENT_TYPE_LABELS
    return EVENT_TYPE_LABELS.get(event_type, event_type)

