"""Review as work and safe merges in the store (issue 13, items 1-2): the
queue's filters, order and counts, bulk decisions, the merge preview, the
canonical name, and the undo that restores a merged-away person.
Runs on SQLite and, with KHRONIKA_TEST_DB=postgresql, on PostgreSQL."""
from __future__ import annotations

import pytest
import webstore

from khronika.model import Person
from khronika.store import merging, open_store, review

YULIA_SENTENCE = "Пограничники задержали Юлию Емельянову в аэропорту Алматы."


@pytest.fixture()
def world(tmp_path):
    db = tmp_path / "k.db"
    ids = webstore.build(db)
    store = open_store(db)
    yield store, ids
    store.close()


def _undated(store) -> str:
    """A fourth waiting event, of Тимур, with no date."""
    timur = store.person("p-timur")
    doc = webstore._doc("undated", "Тимура Ахмедова вновь вызвали на допрос. Дата не названа.", "2026-03-10")
    return webstore.add(store, doc, timur, "Тимура Ахмедова вновь вызвали на допрос.", "charged", None)


def test_the_queue_is_freshest_first_and_pages_without_repeats(world):
    store, ids = world
    undated = _undated(store)
    whole = review.review_queue(store)
    order = [e["id"] for e in whole["events"]]
    # By the date of the happening, newest first; the undated event last.
    assert order == [ids["xss_event"], ids["extradited"], ids["detained"], undated]
    assert [e["date"] for e in whole["events"]] == ["2026-03-04", "2026-02-09", "2026-01-27", None]
    assert whole["total"] == whole["matching"] == 4 and whole["by_filter"] == {} and whole["next"] is None
    paged, after = [], None
    while True:
        page = review.review_queue(store, limit=1, after=after)
        paged += [e["id"] for e in page["events"]]
        after = page["next"]
        if after is None:
            break
    assert paged == order


def test_filters_and_the_counts_of_what_is_left(world):
    store, ids = world
    detained = review.review_queue(store, type="detained")
    assert {e["id"] for e in detained["events"]} == {ids["detained"], ids["xss_event"]}
    assert (detained["total"], detained["matching"], detained["by_filter"]) == (3, 2, {"type": 2})
    both = review.review_queue(store, person=ids["yulia"], type="detained")
    assert [e["id"] for e in both["events"]] == [ids["detained"]]
    assert both["matching"] == 1 and both["by_filter"] == {"person": 2, "type": 2}
    one_doc = review.review_queue(store, document=ids["documents"][1])
    assert [e["id"] for e in one_doc["events"]] == [ids["extradited"]]
    assert review.review_queue(store, source="test-wire")["matching"] == 3
    assert review.review_queue(store, source="elsewhere")["events"] == []
    assert review.review_queue(store, min_confidence=0.99)["matching"] == 0
    assert review.review_queue(store, min_confidence=0.1)["matching"] == 3
    with pytest.raises(ValueError):
        review.review_queue(store, type="nonsense")
    assert review.person_left(store, ids["yulia"]) == 2


def test_bulk_confirm_decides_each_event_and_audits_each(world):
    store, ids = world
    done = review.review_many(store, [ids["detained"], ids["extradited"]], "confirmed", "monitor",
                              {"type": "detained", "place": "Алматы"})
    assert [e["review_status"] for e in done] == ["confirmed", "confirmed"]
    assert review.review_queue(store)["total"] == 1
    # Only what differs is a correction: the detention kept its type and place,
    # the extradition (another type and place) was corrected.
    assert store.event(ids["detained"])["type"] == "detained"
    assert store.event(ids["extradited"])["type"] == "detained"
    entries = {e["entity_id"]: e for e in store.audit_entries(entity="event") if e["action"] == "review"}
    assert set(entries) == {ids["detained"], ids["extradited"]}
    assert all(e["username"] == "monitor" for e in entries.values())
    assert "type" not in entries[ids["detained"]]["after"] and entries[ids["extradited"]]["after"]["type"] == "detained"
    # An unknown id: nothing is decided.
    with pytest.raises(KeyError):
        review.review_many(store, [ids["xss_event"], "no-such-event"], "rejected", "monitor")
    assert store.event(ids["xss_event"])["review_status"] == "pending"


def _twins(store, ids) -> tuple[str, str]:
    """A second record of Юлия (another spelling, a detention of the same day
    reported elsewhere) with attributes that disagree with the first's."""
    twin = Person(id="p-yulia-2", name="Юлия Емельяновa", name_latin="Yuliya Emelyanova", role="subject",
                  gender="f", attributes={"citizenship": "RU", "occupation": "journalist"})
    doc = webstore._doc("kz-3", "В Алматы задержана журналистка Юлия Емельяновa. Её отпустили.", "2026-01-29")
    webstore.add(store, doc, twin, "В Алматы задержана журналистка Юлия Емельяновa.", "detained", "2026-01-27",
                 "Алматы")
    with store._writing() as connection:     # the first record's own attributes
        from khronika.store import schema
        connection.execute(schema.persons.update().where(schema.persons.c.id == ids["yulia"]).values(
            gender="f", attributes={"citizenship": "KZ"}))
    return ids["yulia"], twin.id


def test_the_merge_preview_shows_the_merged_timeline_names_and_conflicts(world):
    store, ids = world
    into, other = _twins(store, ids)
    preview = merging.merge_preview(store, into, other)
    assert preview["names"][:2] == ["Юлия Емельянова", "Юлия Емельяновa"]
    assert "Yuliya Emelyanova" in preview["names"]
    assert preview["conflicts"] == [{"key": "citizenship", "into": "KZ", "other": "RU"}]
    joined = [item for item in preview["timeline"] if item["joined"]]
    # The two detentions of 27 January, one under each record, are one line after the merge.
    assert len(joined) == 1 and joined[0]["fact"].type == "detained" and set(joined[0]["from"]) == {into, other}
    assert len(preview["timeline"]) == 2
    # The token goes stale when either person changes.
    token = preview["token"]
    merging.check_token(store, into, other, token)
    store.review_event(ids["detained"], "confirmed", "monitor")
    with pytest.raises(ValueError):
        merging.check_token(store, into, other, token)
    with pytest.raises(ValueError):
        merging.merge_preview(store, into, into)


def test_the_canonical_name_and_chosen_attributes_are_applied(world):
    store, ids = world
    into, other = _twins(store, ids)
    with pytest.raises(ValueError):
        store.merge_persons(into, other, "monitor", name="Кто-то Другой")
    assert store.person_record(other) is not None            # refused: nothing merged
    store.merge_persons(into, other, "monitor", name="Юлия Емельяновa", attributes={"citizenship": "RU"})
    merged = store.person_record(into)
    assert (merged["name"], merged["name_latin"]) == ("Юлия Емельяновa", "Yuliya Emelyanova")
    assert merged["attributes"] == {"citizenship": "RU", "occupation": "journalist"}
    assert "Юлия Емельянова" in merged["aliases"]            # the other name stays findable
    assert store.person_record(other) is None and store.person_redirects([other]) == {other: into}
    entry = store.audit_entries(entity="person", entity_id=into, limit=1)[0]
    assert entry["action"] == "merge" and entry["after"]["name"] == "Юлия Емельяновa"


def test_undo_restores_the_merged_away_person(world):
    store, ids = world
    into, other = _twins(store, ids)
    lawyer = store.user_by_name("lawyer")["id"]
    store.assign_lawyer(other, lawyer, "admin")
    note = store.add_note(other, "a note on the second record", "lawyer")
    other_events = sorted(e.id for e in store.events(other))
    into_events = sorted(e.id for e in store.events(into))
    before_other = store.person_record(other)
    store.merge_persons(into, other, "monitor", name="Юлия Емельяновa", attributes={"citizenship": "RU"})
    # A human merge holds: a new report under the merged-away record lands on the survivor.
    twin = Person(id=other, name="Юлия Емельяновa", name_latin="Yuliya Emelyanova", role="subject")
    later = webstore._doc("kz-4", "Юлию Емельяновa снова задержали в Алматы. Подробностей нет.", "2026-02-20")
    late_event = webstore.add(store, later, twin, "Юлию Емельяновa снова задержали в Алматы.", "detained",
                              "2026-02-19", "Алматы")
    assert store.event(late_event)["person_id"] == into
    audit_id = store.audit_entries(entity="person", entity_id=into, limit=1)[0]["id"]

    assert merging.undo_merge(store, audit_id, "monitor") == other
    restored = store.person_record(other)
    for key in ("name", "name_latin", "gender", "attributes", "role"):
        assert restored[key] == before_other[key], key
    assert sorted(e.id for e in store.events(other)) == other_events
    # The report that arrived after the merge was the survivor's then, and stays its.
    assert sorted(e.id for e in store.events(into)) == sorted(into_events + [late_event])
    survivor = store.person_record(into)
    assert (survivor["name"], survivor["attributes"]) == ("Юлия Емельянова", {"citizenship": "KZ"})
    assert "Юлия Емельяновa" not in survivor["aliases"] and "Yuliya Emelyanova" not in survivor["aliases"]
    assert store.person_redirects([other]) == {}
    case = store.case_file(other)
    assert [n["id"] for n in case["notes"]] == [note]
    assert [u["id"] if isinstance(u, dict) else u for u in case["lawyers"]] and \
        lawyer in [u["id"] if isinstance(u, dict) else u for u in case["lawyers"]]
    entry = store.audit_entries(entity="person", entity_id=into, limit=1)[0]
    assert entry["action"] == "unmerge" and entry["after"]["restored"] == other
    with pytest.raises(ValueError):
        merging.undo_merge(store, audit_id, "monitor")            # once only
