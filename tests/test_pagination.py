"""Keyset pagination (issue 12, item 6): the persons index, the review
queue and the audit log walk every row once, in order, with no OFFSET; a
bad cursor is a 400. Real store files (or PostgreSQL with
KHRONIKA_TEST_DB=postgresql), through the store, the API and the pages."""
from __future__ import annotations

import re

import pytest
import webstore
from fastapi.testclient import TestClient
from webstore import PASSWORD, _doc, add

from khronika.model import Person
from khronika.store import open_store, paging
from khronika.web import create_app

N_PERSONS = 23          # with the two of webstore: 25


@pytest.fixture()
def world(tmp_path):
    db = tmp_path / "web.db"
    ids = webstore.build(db)
    with open_store(db) as store:
        # Many persons share one name, so only the id breaks the tie.
        for i in range(N_PERSONS):
            name = "Иван Петров" if i % 2 else f"Анна {i:02d}"
            person = Person(id=f"p-{i:03d}x"[::-1] if i % 3 else f"p-{i:03d}", name=name,
                            name_latin="Ivan Petrov", role="subject")
            text = f"Полиция задержала человека номер {i} в Алматы. Вечером отпустили."
            add(store, _doc(f"d{i}", text, "2026-01-05"), person,
                f"Полиция задержала человека номер {i} в Алматы.", "detained", "2026-01-04", "Алматы")
    app = create_app(db)
    yield app, ids, db
    app.state.store.close()


def login(app, username: str) -> TestClient:
    client = TestClient(app)
    r = client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return client


def test_cursor_round_trip_and_bad_cursors():
    assert paging.decode_cursor(paging.encode_cursor(["Ёж", "id"]), (str, str)) == ("Ёж", "id")
    for bad in ("!!", "bm90IGpzb24", paging.encode_cursor([1, 2]), paging.encode_cursor(["a"]),
                paging.encode_cursor({"a": 1})):
        with pytest.raises(paging.BadCursor):
            paging.decode_cursor(bad, (str, str))


def test_store_walks_persons_by_name_then_id(world):
    app, _, _ = world
    store = app.state.store
    seen, cursor, pages = [], None, 0
    while True:
        page, cursor = paging.persons_page(store, after=cursor, limit=4)
        assert len(page) <= 4
        seen += [(p["name"], p["id"]) for p in page]
        pages += 1
        if cursor is None:
            break
    assert len(seen) == N_PERSONS + 2 == len(set(seen))          # no gaps, no duplicates
    assert seen == sorted(seen)                                   # one stable order
    assert sum(name == "Иван Петров" for name, _ in seen) == N_PERSONS // 2
    assert pages == 7                                             # 25 rows by 4: the last page has 1
    # Each row carries what the unpaged overview says of that person.
    overview = {p["id"]: p for p in store.persons_overview()}
    for row in paging.persons_page(store, limit=200)[0]:
        assert row == overview[row["id"]]
    assert overview["p-yulia"]["events"] == 2 and overview["p-yulia"]["latest_type"] == "extradited"
    # An exact fit: no next cursor on the page that ends the list.
    assert paging.persons_page(store, limit=N_PERSONS + 2)[1] is None
    assert paging.persons_page(store, limit=N_PERSONS + 1)[1] is not None


def test_api_persons_pages_with_link_header(world):
    app, _, _ = world
    client = login(app, "admin")
    seen, url = [], "/api/persons?limit=5"
    while url:
        r = client.get(url)
        assert r.status_code == 200, r.text
        seen += [p["id"] for p in r.json()]
        link = r.headers.get("link")
        url = re.fullmatch(r'<([^>]+)>; rel="next"', link).group(1) if link else None
        if url:
            assert r.headers["x-next-cursor"] in url
    assert len(seen) == len(set(seen)) == N_PERSONS + 2
    assert len(client.get("/api/persons").json()) == N_PERSONS + 2      # default page size 50
    assert "link" not in client.get("/api/persons").headers
    assert client.get("/api/persons?limit=201").status_code == 422


@pytest.mark.parametrize("path", ["/api/persons", "/api/review", "/api/audit", "/", "/review", "/audit"])
def test_bad_cursor_is_400(world, path):
    app, _, _ = world
    client = login(app, "admin")
    for bad in ("bm90IGpzb24", paging.encode_cursor([1, 2, 3]), "QUJD"):
        r = client.get(path, params={"after": bad})
        assert r.status_code in (400, 422), (path, bad, r.status_code, r.text[:200])


def test_api_review_next_field(world):
    app, _, _ = world
    client = login(app, "admin")
    first = client.get("/api/review?limit=10").json()
    assert first["total"] == N_PERSONS + 3 and first["total_capped"] is False
    seen, body = [], first
    while True:
        assert len(body["events"]) <= 10
        seen += [e["id"] for e in body["events"]]
        if body["next"] is None:
            break
        body = client.get("/api/review", params={"limit": 10, "after": body["next"]}).json()
    assert len(seen) == len(set(seen)) == N_PERSONS + 3
    everything = client.get("/api/review?limit=200").json()
    assert everything["next"] is None and [e["id"] for e in everything["events"]] == seen


def test_audit_pages_newest_first(world):
    app, _, _ = world
    store = app.state.store
    entries, cursor = paging.audit_page(store, limit=200)
    assert cursor is None and len(entries) >= 5
    ids_all = [e["id"] for e in entries]
    assert ids_all == sorted(ids_all, reverse=True)
    walked, cursor = [], None
    while True:
        page, cursor = paging.audit_page(store, after=cursor, limit=2)
        walked += [e["id"] for e in page]
        if cursor is None:
            break
    assert walked == ids_all
    client = login(app, "admin")
    r = client.get("/api/audit?limit=2")
    assert [e["id"] for e in r.json()] == ids_all[:2] and 'rel="next"' in r.headers["link"]


def test_pages_show_the_next_link(world):
    app, _, _ = world
    client = login(app, "admin")
    html = client.get("/").text
    assert 'rel="next"' not in html                       # 25 persons fit the first page of 50
    store = app.state.store
    for i in range(30):
        person = Person(id=f"q-{i:03d}", name="Мария Ким", name_latin="Maria Kim", role="subject")
        text = f"Суд арестовал активистку номер {i} в Бишкеке. Защита обжалует."
        add(store, _doc(f"e{i}", text, "2026-02-05"), person,
            f"Суд арестовал активистку номер {i} в Бишкеке.", "arrested", "2026-02-04", "Бишкек")
    html = client.get("/").text
    found = re.search(r'<a href="([^"]+)" rel="next">', html)
    assert found, html[-2000:]
    second = client.get(found.group(1).replace("&amp;", "&"))
    assert second.status_code == 200 and 'rel="next"' not in second.text
    first_ids = set(re.findall(r'href="/persons/([^"]+)"', html))
    second_ids = set(re.findall(r'href="/persons/([^"]+)"', second.text))
    assert len(first_ids) == 50 and len(second_ids) == 5 and not first_ids & second_ids
    review = client.get("/review").text
    assert re.search(r'<a href="/review\?after=[A-Za-z0-9_-]+" rel="next">', review)
    audit = client.get("/audit").text
    assert ('rel="next"' in audit) == (len(paging.audit_page(store, limit=200)[0]) > 100)

