"""How mentions become timeline lines: two acts of one text stay apart when
their countries or charges differ, and a coarse date takes its place in the
narrative of the text that told it."""
from khronika.store.facts import group_facts


def row(type_, date, doc, start, country=None, charge=None):
    return {"person_id": "P", "type": type_, "date": date, "document_id": doc, "span_start": start,
            "country": country, "charge": charge, "evidence": "x", "event_id": f"{doc}{start}"}


def test_two_charges_in_one_text_are_two_lines():
    facts = group_facts([row("charged", "2026-01", "a", 10, "KZ", "административные правонарушения"),
                         row("charged", "2026-01", "a", 90, "RU", "государственная измена")])
    assert sorted(f.charge for f in facts) == ["административные правонарушения", "государственная измена"]


def test_reports_that_disagree_across_texts_are_one_line():
    facts = group_facts([row("deported", "2026-03", "a", 5, "KZ"), row("deported", "2026-03", "b", 5, "KG")])
    assert len(facts) == 1


def test_a_year_follows_the_dated_facts_its_text_told_before_it():
    facts = group_facts([row("detained", "2024-04", "a", 10, "KZ"), row("transferred", "2024", "a", 80, "KZ"),
                         row("fled", "2023-12", "a", 5)])
    assert [f.type for f in facts] == ["fled", "detained", "transferred"]


def test_a_year_told_first_still_sorts_at_its_start():
    facts = group_facts([row("fled", "2024", "a", 5), row("detained", "2024-04", "a", 40)])
    assert [f.type for f in facts] == ["fled", "detained"]
