"""Russian and English reports about the same fictional cases resolve to
exactly one person per real person: none split, none wrongly merged.

The truth is eval/mixed/persons.json: every real person with every nominative
form of their name in either script, and the files that mention them."""
import json
from pathlib import Path

import pytest

from khronika.pipeline import extract_documents, read_documents
from khronika.resolve import person_matches, query_forms, resolve

ROOT = Path(__file__).resolve().parent.parent
TRUTH = json.loads((ROOT / "eval" / "mixed" / "persons.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def resolved():
    docs, failures = read_documents([str(ROOT / "corpus" / "mixed")])
    assert not failures and len(docs) == 6
    assert {d.language for d in docs} == {"ru", "en"}
    extractions = extract_documents(docs)
    return extractions, resolve(extractions)


def _persons_for(resolution, truth):
    """The resolved persons that any form of this real person's name denotes."""
    forms = [f for form in truth["forms"] for f in query_forms(form)]
    exact = [p for p in resolution.persons
             if any(person_matches(p, [f]) and len(f) > 1 for f in forms)]
    return exact


@pytest.mark.parametrize("truth", TRUTH, ids=[t["id"] for t in TRUTH])
def test_each_real_person_is_exactly_one_resolved_person(resolved, truth):
    _, resolution = resolved
    found = _persons_for(resolution, truth)
    assert len(found) == 1, (truth["id"], [(p.name, p.aliases) for p in found])


def test_no_resolved_person_stands_for_two_real_persons(resolved):
    _, resolution = resolved
    owners = {}
    for truth in TRUTH:
        for person in _persons_for(resolution, truth):
            owners.setdefault(person.id, []).append(truth["id"])
    merged = {pid: ids for pid, ids in owners.items() if len(ids) > 1}
    assert merged == {}


def test_cross_language_mentions_share_one_id(resolved):
    extractions, resolution = resolved
    by_file = {ex.document.path.rsplit("/", 1)[-1]: ex for ex in extractions}
    for truth in TRUTH:
        if len(truth["files"]) < 2:
            continue
        ids = set()
        for name in truth["files"]:
            ex = by_file[name]
            for pm in ex.persons:
                if any(person_matches_mention(pm, form) for form in truth["forms"]):
                    ids.add(resolution.assignments[(ex.document.id, pm.local_id)])
        assert len(ids) == 1, (truth["id"], ids)


def person_matches_mention(pm, form):
    from khronika.model import Person
    probe = Person(id="x", name=pm.name, name_latin="", aliases=pm.aliases)
    return person_matches(probe, query_forms(form)[:1])
