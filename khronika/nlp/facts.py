"""What one document says about one fact, told in several sentences.

A text often names an act twice: "later sentenced in Azerbaijan" in the lead,
"sentenced to six years on charges of smuggling" further down. Each sentence
stays its own evidence, but what one of them states about the act (its
charge, its term, its country) is true of the others too.
"""
from __future__ import annotations

from ..model import EventMention


def share_within_document(events: list[EventMention]) -> list[EventMention]:
    """Fill a missing charge, term or country from another mention of the
    same person and type in the same document (the first one that gives it)."""
    known: dict[tuple[str, str], dict] = {}
    for e in events:
        slot = known.setdefault((e.person, e.type), {})
        for name in ("charge", "term_years", "country"):
            value = getattr(e, name)
            if value is not None and name not in slot:
                slot[name] = (value, e.place) if name == "country" else value
    for e in events:
        slot = known[(e.person, e.type)]
        if e.charge is None and "charge" in slot:
            e.charge = slot["charge"]
        if e.term_years is None and "term_years" in slot:
            e.term_years = slot["term_years"]
        if e.country is None and "country" in slot:
            e.country, e.place = slot["country"]
    return events
