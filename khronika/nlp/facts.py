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
    by_act: dict[tuple[str, str], list[EventMention]] = {}
    for e in events:
        by_act.setdefault((e.person, e.type), []).append(e)
    for mentions in by_act.values():
        for e in mentions:
            # Only from a mention of the same act: not another country's case
            # ("обвинение в Алматы" does not lend its charge to Moscow's).
            donors = [d for d in mentions if d is not e and (not e.country or not d.country or d.country == e.country)]
            if e.charge is None:
                e.charge = next((d.charge for d in donors if d.charge), None)
            if e.term_years is None:
                e.term_years = next((d.term_years for d in donors if d.term_years is not None), None)
            if e.country is None:
                donor = next((d for d in donors if d.country), None)
                if donor is not None:
                    e.country, e.place = donor.country, donor.place
    return events
