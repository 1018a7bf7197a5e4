"""The store's reads for the people who use it: a person's page and the
persons list, the evidence around a sentence, a document with its events,
a snapshot's bytes, the trends.

A mixin of `Store` (see store.py), beside `CaseworkQueries`: these queries
change nothing, so they need neither a username nor an audit row.
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from khronika.store import schema as tables
from khronika.store.casework import CONFIRMED, PENDING_REVIEW, _plain, _redirected
from khronika.store.facts import date_interval


class ReadingQueries:
    """Mixed into Store: needs `_reading()`."""

    # ------------------------------------------------------------ reading for people

    def event(self, event_id: str) -> dict | None:
        """One stored event row, as a reviewer sees it (no bytes)."""
        with self._reading() as connection:
            return _plain(connection.execute(sa.select(tables.events).where(
                tables.events.c.id == event_id)).mappings().first())

    def person_redirects(self, person_ids: Iterable[str]) -> dict[str, str]:
        """Merged-away ids among `person_ids`, mapped to the person they now are."""
        with self._reading() as connection:
            return _redirected(connection, list(person_ids))

    def person_record(self, person_id: str) -> dict | None:
        """One person as the web app shows it: the row, and every alias."""
        with self._reading() as connection:
            row = connection.execute(sa.select(tables.persons).where(
                tables.persons.c.id == person_id)).mappings().first()
            if row is None:
                return None
            aliases = list(connection.scalars(sa.select(tables.aliases.c.alias).where(
                tables.aliases.c.person_id == person_id).order_by(tables.aliases.c.id)))
        record = dict(row)
        record["aliases"] = [a for a in aliases if a not in (row["name"], row["name_latin"])]
        return record

    def persons_overview(self, *, confirmed_only: bool = False) -> list[dict]:
        """Persons with events, each with its latest event (the status a reader
        sees first) and how many facts are known; the latest first.
        `confirmed_only`: only confirmed events count and "do not publish"
        persons are left out (what a viewer may see)."""
        event, person = tables.events.c, tables.persons.c
        statuses = (CONFIRMED,) if confirmed_only else (CONFIRMED, PENDING_REVIEW)
        query = (sa.select(person.id, person.name, person.name_latin, person.role, person.do_not_publish,
                           event.type, event.date, event.country)
                 .join(tables.events, event.person_id == person.id)
                 .where(event.review_status.in_(statuses)))
        if confirmed_only:
            query = query.where(person.do_not_publish.is_(False))
        overview: dict[str, dict] = {}
        with self._reading() as connection:
            for row in connection.execute(query).mappings():
                item = overview.get(row["id"])
                if item is None:
                    item = overview[row["id"]] = overview_item({
                        key: row[key] for key in ("id", "name", "name_latin", "role", "do_not_publish")})
                count_event(item, row)
        for item in overview.values():
            item["countries"] = sorted(item["countries"])
        # The latest first, undated last, then by name.
        latest_first = sorted(overview.values(), key=lambda i: (
            i["_latest"] is None, -i["_latest"].toordinal() if i["_latest"] else 0, i["name"]))
        for item in latest_first:
            del item["_latest"]
        return latest_first

    def person_version(self, person_id: str) -> tuple | None:
        """What changes whenever anything on a person's page changes: the
        person row (names, lock, publication flag) and their events (added,
        moved, re-extracted, reviewed). One indexed query; None: no such person."""
        event, person = tables.events.c, tables.persons.c
        mine = event.person_id == person_id
        query = sa.select(
            person.updated_at, person.do_not_publish, person.locked, person.name,
            sa.select(sa.func.count()).where(mine).scalar_subquery(),
            sa.select(sa.func.max(event.created_at)).where(mine).scalar_subquery(),
            sa.select(sa.func.max(event.reviewed_at)).where(mine).scalar_subquery(),
        ).where(person.id == person_id)
        with self._reading() as connection:
            row = connection.execute(query).first()
        return None if row is None else tuple(row)

    def person_choices(self) -> list[dict]:
        """Id, name and romanization of every person with events, by name: for pickers."""
        person = tables.persons.c
        with self._reading() as connection:
            return [dict(row) for row in connection.execute(
                sa.select(person.id, person.name, person.name_latin)
                .where(person.id.in_(sa.select(tables.events.c.person_id).distinct()))
                .order_by(person.name)).mappings()]

    def evidence_contexts(self, spans: Iterable[tuple[str, int, int]], width: int = 280
                          ) -> dict[tuple[str, int, int], tuple[str, int, int]]:
        """For each (document, start, end) evidence span: the surrounding text
        and the span's offsets inside it, cut from the stored text in SQL."""
        out: dict[tuple[str, int, int], tuple[str, int, int]] = {}
        wanted = sorted(set(spans))
        with self._reading() as connection:
            # One statement per 200 spans, the spans as a VALUES list joined
            # to the documents: a busy timeline has hundreds of sources, and
            # building that many SQLAlchemy selects costs more than running them.
            for first in range(0, len(wanted), 200):
                chunk = wanted[first:first + 200]
                # Named binds (SQLAlchemy renders each dialect's placeholders);
                # the CASTs type the VALUES columns on PostgreSQL too.
                rows = ", ".join(f"(CAST(:i{i} AS INTEGER), CAST(:d{i} AS VARCHAR), "
                                 f"CAST(:f{i} AS INTEGER), CAST(:n{i} AS INTEGER))"
                                 for i in range(len(chunk)))
                params: dict = {}
                for i, (doc_id, start, end) in enumerate(chunk):
                    begin = max(0, start - width)
                    params.update({f"i{i}": i, f"d{i}": doc_id, f"f{i}": begin + 1,
                                   f"n{i}": end - begin + width})
                result = connection.execute(sa.text(
                    f"WITH spans(i, doc_id, first, length) AS (VALUES {rows}) "
                    "SELECT spans.i, substr(documents.text, spans.first, spans.length) "
                    "FROM spans JOIN documents ON documents.id = spans.doc_id"), params)
                for i, text in result:
                    doc_id, start, end = chunk[i]
                    begin = max(0, start - width)
                    out[chunk[i]] = _within_paragraph(text, start - begin, end - begin)
        return out

    def document_record(self, doc_id: str) -> dict | None:
        """One document's row (without snapshot bytes) and its events."""
        event = tables.events.c
        with self._reading() as connection:
            row = connection.execute(sa.select(tables.documents).where(
                tables.documents.c.id == doc_id)).mappings().first()
            if row is None:
                return None
            events = [dict(r) for r in connection.execute(
                sa.select(event.id, event.type, event.date, event.place, event.country, event.destination,
                          event.charge, event.term_years, event.person_id, event.evidence, event.span_start,
                          event.span_end, event.review_status,
                          tables.persons.c.name.label("person_name"),
                          tables.persons.c.do_not_publish)
                .join(tables.persons, tables.persons.c.id == event.person_id)
                .where(event.document_id == doc_id).order_by(event.span_start)).mappings()]
            snapshot = connection.execute(
                sa.select(tables.snapshots.c.id, tables.snapshots.c.sha256, tables.snapshots.c.captured_at,
                          sa.func.length(tables.snapshots.c.raw).label("size"))
                .where(tables.snapshots.c.document_id == doc_id).order_by(tables.snapshots.c.id)).mappings().first()
        record = dict(row)
        record["events"] = events
        record["snapshot"] = dict(snapshot) if snapshot else None
        return record

    def snapshot_bytes(self, doc_id: str) -> tuple[bytes, str, str] | None:
        """The captured bytes of a document, its media type and SHA-256."""
        with self._reading() as connection:
            row = connection.execute(
                sa.select(tables.snapshots.c.raw, tables.snapshots.c.sha256, tables.documents.c.media_type)
                .join(tables.documents, tables.documents.c.id == tables.snapshots.c.document_id)
                .where(tables.snapshots.c.document_id == doc_id).order_by(tables.snapshots.c.id)).first()
        return None if row is None else (bytes(row[0]), row[2], row[1])

    # ------------------------------------------------------------ trends

    def trends(self, *, confirmed_only: bool = False) -> list[dict]:
        """Events by month, country and type, counting each (person, type,
        month) once however many documents reported it. Undated events and
        rejected ones are left out."""
        event = tables.events.c
        month = sa.func.substr(event.date, 1, 7)
        statuses = (CONFIRMED,) if confirmed_only else (CONFIRMED, PENDING_REVIEW)
        facts = (sa.select(month.label("month"), event.country, event.type, event.person_id)
                 .join(tables.persons, tables.persons.c.id == event.person_id)
                 .where(event.review_status.in_(statuses), sa.func.length(event.date) >= 7,
                        sa.func.substr(event.date, 5, 1) == "-")
                 .distinct())
        if confirmed_only:
            facts = facts.where(tables.persons.c.do_not_publish.is_(False))
        facts = facts.subquery()
        query = (sa.select(facts.c.month, facts.c.country, facts.c.type, sa.func.count().label("count"))
                 .group_by(facts.c.month, facts.c.country, facts.c.type)
                 .order_by(facts.c.month, facts.c.country, facts.c.type))
        with self._reading() as connection:
            return [dict(row) for row in connection.execute(query).mappings()]


def _within_paragraph(text: str, start: int, end: int) -> tuple[str, int, int]:
    """Cut the context to the evidence sentence's own paragraph: the text
    around it that a reader needs, not the neighbouring paragraphs."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    last = len(text) if last == -1 else last
    return text[first:last], start - first, end - first


def overview_item(person: dict) -> dict:
    """A row of the persons index: the person's fields and the summary of
    their events that `count_event` fills ("_latest" sorts; drop it before showing)."""
    return {**person, "events": 0, "latest_type": None, "latest_date": None, "countries": set(), "_latest": None}


def count_event(item: dict, event) -> None:
    """Add one event (type, date, country) to a persons-index row."""
    item["events"] += 1
    if event["country"]:
        item["countries"].add(event["country"])
    interval = date_interval(event["date"])
    if interval is not None and (item["_latest"] is None or interval.last > item["_latest"]):
        item["_latest"] = interval.last
        item["latest_type"], item["latest_date"] = event["type"], event["date"]
