"""The one gate every public output reads through.

    from khronika.publish import PublicArchive
    archive = PublicArchive(store)                  # everything publishable, one read
    archive = PublicArchive(store, person_ids=[id]) # one person (exports, dossier)
    for person in archive.persons: person.facts, person.latest_type, ...

What passes the gate:
- persons that are not marked "do not publish" and have at least one event a
  reviewer confirmed;
- of those, only the confirmed events, grouped into facts the way every
  timeline groups them (`khronika.store.facts.group_facts`), with their
  public fields: type, date, place, country, destination, charge, term;
- public person fields: id, name, name_latin, aliases, role, gender, the
  countries of their confirmed facts and their latest status (the type and
  date of the latest confirmed fact);
- of each document that reported a confirmed fact: its URL (http or https
  only, else none), title (an untitled one's first line), source name,
  language, publication date, capture time and SHA-256, and the evidence
  sentence of the confirmed event; a document with no web address, its
  file name (never the folders of its path). Its full text never passes;
  its snapshot bytes only through `khronika.publish.citations` (the static
  archive's archived copies, with their own conditions).

What never passes: case files, lawyers, deadlines, tasks, notes,
attachments, the audit log, users and sessions (`schema.PRIVATE_TABLES`:
this module does not read them), who reviewed an event (`reviewed_by`),
unreviewed and rejected events, persons marked "do not publish", person
attributes (machine-extracted and never reviewed).

One more safety step: a public person's source may also name someone who
must not be named. Every text that passes (evidence sentences, titles,
places, charges, date words) is masked by `khronika.publish.withhold`:
every form of a "do not publish" person's name, as the extractor found it
in any document and as their surname inflects, romanizes and takes
initials, becomes "[…]" (see that module). `withheld_forms()` lists the
forms to scan the written files for.

Everything is read in one transaction (events with their documents,
aliases, and the withheld persons with their mentions), whatever the number
of persons: the static site of 10k persons and 100k events is built from
one read.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa

from khronika.model import title_from_text  # noqa: F401  (callers import it from here too)
from khronika.publish.withhold import WITHHELD, Scanner, Withholder
from khronika.publish.withhold import load as load_withheld
from khronika.store import schema as tables
from khronika.store.facts import date_interval, group_facts

CONFIRMED = "confirmed"
__all__ = ["WITHHELD", "PublicArchive", "PublicFact", "PublicPerson", "PublicSource"]
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$")


@dataclass(slots=True)
class PublicSource:
    """One document that reported a confirmed fact, as the public sees it."""
    document_id: str
    url: str | None               # http(s) only; a local path is never published
    title: str | None
    source: str | None            # the outlet or channel name
    language: str | None
    published: str | None
    captured_at: str | None
    sha256: str | None
    evidence: str                 # the sentence of the confirmed event
    file_name: str | None = None  # a document with no URL: its file's name, never its folders


@dataclass(slots=True)
class PublicFact:
    """One line of a public timeline: a confirmed happening with its sources."""
    id: str                       # stable while the grouping does not change
    person_id: str
    type: str
    date: str | None
    date_text: str | None
    place: str | None
    country: str | None           # ISO 3166-1 alpha-2, the most common among the mentions
    destination: str | None       # removals and flight: the country sent or fled to (ISO)
    charge: str | None
    term_years: float | None
    sources: list[PublicSource]
    event_ids: list[str]
    years: tuple[int, int] | None = None   # the first and last year the date may mean


@dataclass(slots=True)
class PublicPerson:
    id: str
    slug: str                     # the file name of the person's page (the id when it is safe)
    name: str
    name_latin: str
    aliases: list[str]
    role: str
    gender: str | None
    facts: list[PublicFact] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    latest_type: str | None = None
    latest_date: str | None = None


@dataclass(slots=True)
class PublicEvent:
    """One confirmed event mention, in the fields of the SPEC output contract."""
    id: str
    person: str
    type: str
    date: str | None
    date_text: str | None
    place: str | None
    country: str | None
    destination: str | None
    charge: str | None
    term_years: float | None
    document: str
    evidence: str
    confidence: float


@dataclass(slots=True)
class PublicDocument:
    id: str
    url: str | None
    title: str | None
    source: str | None
    language: str | None
    published: str | None
    captured_at: str | None
    sha256: str | None
    file_name: str | None = None  # a document with no URL: its file's name, never its folders


def person_slug(person_id: str) -> str:
    """A file name for a person's page: the id itself when it is plain ASCII
    (stable and readable), else a digest of it."""
    if _SAFE_ID.match(person_id) and person_id not in (".", ".."):
        return person_id
    return "p-" + hashlib.sha256(person_id.encode()).hexdigest()[:20]


def public_url(url: str | None) -> str | None:
    """A URL that may be published and linked: http(s) only."""
    if not url:
        return None
    url = url.strip()
    return url if url.lower().startswith(("http://", "https://")) else None


def fact_id(person_id: str, event_ids: Iterable[str]) -> str:
    return hashlib.sha256("|".join([person_id, *sorted(event_ids)]).encode()).hexdigest()[:12]


class PublicArchive:
    """Everything publishable from a store, read once (see the module docstring).

    `persons` are ordered by their latest status, the latest first (undated
    last, then by name), like the web app's person list; `documents` holds
    every document that reported a published fact; `events` the confirmed
    mentions of published persons, in document and text order.
    """

    def __init__(self, store, person_ids: Iterable[str] | None = None, *,
                 include_withheld: bool = False):
        """`include_withheld`: also the named persons marked "do not publish"
        (needs `person_ids`). Only for the confidential dossier, which is
        never published; every public output leaves it False."""
        wanted = None if person_ids is None else sorted(set(person_ids))
        if include_withheld and wanted is None:
            raise ValueError("include_withheld needs the persons to include")
        self._include_withheld = include_withheld
        self.generated_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with store._reading() as connection:
            rows = self._event_rows(connection, wanted)
            aliases = self._aliases(connection, wanted)
            spared = (wanted or ()) if include_withheld else ()
            self.withholder: Withholder = load_withheld(connection, spared)
        self.documents: dict[str, PublicDocument] = {}
        self.events: list[PublicEvent] = []
        self.persons: list[PublicPerson] = []
        # document id -> the archived copy's path in a published site (set by site.publish_site).
        self.snapshots: dict[str, str] = {}
        self._build(rows, aliases)

    # ------------------------------------------------------------ reading

    def _public_persons(self, wanted: list[str] | None):
        person = tables.persons.c
        query = sa.select(person.id)
        if not self._include_withheld:
            query = query.where(person.do_not_publish.is_(False))
        if wanted is not None:
            query = query.where(person.id.in_(wanted))
        return query

    def _event_rows(self, connection, wanted):
        event, document, person = tables.events.c, tables.documents.c, tables.persons.c
        # Only public columns: no documents.path/text, no events.reviewed_by.
        query = (
            sa.select(
                event.id.label("event_id"), event.person_id, event.type, event.date, event.date_text,
                event.place, event.country, event.destination, event.charge, event.term_years,
                event.evidence,
                event.confidence, event.span_start, event.span_end, event.document_id,
                document.url, document.title, document.source, document.language,
                document.published, document.captured_at, document.sha256,
                # Only what an untitled document's title and a file's name are made of.
                sa.case((sa.or_(document.title.is_(None), document.title == ""),
                         sa.func.substr(document.text, 1, 400)), else_=sa.null()).label("text_head"),
                sa.case((sa.or_(document.url.is_(None), sa.not_(document.url.ilike("http%"))),
                         document.path), else_=sa.null()).label("local_path"),
                person.name.label("person_name"), person.name_latin.label("person_name_latin"),
                person.role.label("person_role"), person.gender.label("person_gender"),
            )
            .join(tables.documents, document.id == event.document_id)
            .join(tables.persons, person.id == event.person_id)
            .where(event.review_status == CONFIRMED)
            .order_by(event.document_id, event.span_start, event.id)
        )
        if not self._include_withheld:
            query = query.where(person.do_not_publish.is_(False))
        if wanted is not None:
            query = query.where(event.person_id.in_(wanted))
        result = connection.execute(query)
        keys = list(result.keys())
        return [dict(zip(keys, row)) for row in result]

    def _aliases(self, connection, wanted) -> dict[str, list[str]]:
        alias = tables.aliases.c
        query = (sa.select(alias.person_id, alias.alias)
                 .where(alias.person_id.in_(self._public_persons(wanted)))
                 .order_by(alias.id))
        found: dict[str, list[str]] = {}
        for person_id, name in connection.execute(query):
            found.setdefault(person_id, []).append(name)
        return found

    # ------------------------------------------------------------ building

    def _build(self, rows: list[dict], aliases: dict[str, list[str]]) -> None:
        mask = self.withholder.mask
        by_person: dict[str, list[dict]] = {}
        documents = self.documents
        for row in rows:
            document = documents.get(row["document_id"])
            text_head, local_path = row.pop("text_head"), row.pop("local_path")
            if document is None:            # once per document: its public fields
                url = public_url(row["url"])
                file_name = None if url or not local_path else _file_name(local_path)
                document = documents[row["document_id"]] = PublicDocument(
                    id=row["document_id"], url=url,
                    title=mask(row["title"] or title_from_text(text_head), row["document_id"]),
                    source=row["source"], language=row["language"], published=row["published"],
                    captured_at=row["captured_at"], sha256=row["sha256"],
                    file_name=mask(file_name, row["document_id"]))
            # What group_facts reads of the document: only public values.
            row["url"], row["title"] = document.url, document.title
            document_id = row["document_id"]
            row["evidence"] = mask(row["evidence"] or "", document_id)
            for key in ("place", "charge", "date_text"):
                if row[key]:
                    row[key] = mask(row[key], document_id)
            by_person.setdefault(row["person_id"], []).append(row)
            self.events.append(PublicEvent(
                id=row["event_id"], person=row["person_id"], type=row["type"], date=row["date"],
                date_text=row["date_text"], place=row["place"], country=row["country"],
                destination=row["destination"], charge=row["charge"], term_years=row["term_years"],
                document=row["document_id"], evidence=row["evidence"], confidence=row["confidence"]))

        for person_id, person_rows in by_person.items():
            first = person_rows[0]
            name, latin = first["person_name"], first["person_name_latin"]
            person = PublicPerson(
                id=person_id, slug=person_slug(person_id), name=name, name_latin=latin,
                aliases=[a for a in aliases.get(person_id, []) if a not in (name, latin)],
                role=first["person_role"], gender=first["person_gender"])
            latest, latest_end = None, None
            for fact in group_facts(person_rows):
                interval = date_interval(fact.date)
                public = PublicFact(
                    id=fact_id(person_id, fact.event_ids), person_id=person_id, type=fact.type,
                    date=fact.date, date_text=fact.date_text, place=fact.place,
                    country=fact.country, destination=fact.destination, charge=fact.charge,
                    term_years=fact.term_years, event_ids=fact.event_ids,
                    sources=[_public_source(documents[s.document_id], s.evidence) for s in fact.sources],
                    years=None if interval is None else (interval.first.year, interval.last.year))
                person.facts.append(public)
                # The latest status: timeline order, so a tie goes to the later step.
                if interval is not None and (latest_end is None or interval.last >= latest_end):
                    latest, latest_end = public, interval.last
            person.countries = sorted({f.country for f in person.facts if f.country})
            if latest is None and person.facts:
                latest = person.facts[-1]
            if latest is not None:
                person.latest_type, person.latest_date = latest.type, latest.date
            self.persons.append(person)

        def order(p: PublicPerson):
            interval = date_interval(p.latest_date)
            return (interval is None, -(interval.last.toordinal() if interval else 0), p.name, p.id)
        self.persons.sort(key=order)

    # ------------------------------------------------------------ derived views

    def withheld_forms(self) -> set[str]:
        """Every form of every withheld name, to scan written files for."""
        return self.withholder.forms()

    def withheld_scanner(self, persons: Iterable[PublicPerson] | None = None) -> Scanner | None:
        """A scanner for every withheld name form (None when no one is withheld).
        The words of the published persons' own names (`persons`, default all)
        are not searched for: a namesake's page shows their surname."""
        forms = self.withheld_forms()
        if not forms:
            return None
        own = {word for p in (self.persons if persons is None else persons)
               for name in (p.name, p.name_latin, *p.aliases) if name for word in name.split()}
        return Scanner(forms, exempt=own)

    def person(self, person_id: str) -> PublicPerson | None:
        return next((p for p in self.persons if p.id == person_id), None)

    def trends(self) -> list[dict]:
        """Confirmed facts by month, country and type, as `Store.trends` counts
        them (each person, type, month and country once; month-precise dates
        and finer only), but from what passed the gate."""
        seen: set[tuple] = set()
        for event in self.events:
            date = event.date or ""
            if len(date) >= 7 and date[4] == "-":
                seen.add((date[:7], event.country, event.type, event.person))
        counts = Counter((month, country, type_) for month, country, type_, _ in seen)
        return [{"month": m, "country": c, "type": t, "count": n}
                for (m, c, t), n in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2]))]


def _public_source(document: PublicDocument, evidence: str) -> PublicSource:
    return PublicSource(document_id=document.id, url=document.url, title=document.title,
                        source=document.source, language=document.language,
                        published=document.published, captured_at=document.captured_at,
                        sha256=document.sha256, evidence=evidence, file_name=document.file_name)


def _file_name(path: str) -> str | None:
    """The last part of a path on disk (either separator): the folders are private."""
    return re.split(r"[\\/]", path.rstrip("/\\"))[-1] or None
