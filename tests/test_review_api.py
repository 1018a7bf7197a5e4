"""Review as work and safe merges through the web app (issue 13, items 1-2):
the JSON API's filters, counts, bulk endpoint, merge preview/confirm/undo,
and the HTML forms without JavaScript. In-process (TestClient) over a real
store built by tests/webstore.py; test_review_browser.py drives Chromium."""
from __future__ import annotations

import re

import pytest
import webstore
from fastapi.testclient import TestClient
from webstore import PASSWORD

from khronika.web import create_app


@pytest.fixture()
def world(tmp_path):
    db = tmp_path / "web.db"
    ids = webstore.build(db)
    app = create_app(db)
    yield app, ids
    app.state.store.close()


def login(app, username: str) -> tuple[TestClient, dict]:
    client = TestClient(app)
    r = client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return client, {"X-CSRF-Token": r.json()["csrf_token"]}


def test_the_queue_filters_and_counts_in_the_api(world):
    app, ids = world
    client, _ = login(app, "monitor")
    body = client.get("/api/review").json()
    assert [e["id"] for e in body["events"]] == [ids["xss_event"], ids["extradited"], ids["detained"]]
    assert body["total"] == 3 and body["total_capped"] is False
    body = client.get("/api/review", params={"person": "Юлия Емельянова", "type": "detained"}).json()
    assert [e["id"] for e in body["events"]] == [ids["detained"]]
    assert (body["matching"], body["by_filter"]) == (1, {"person": 2, "type": 2})
    assert client.get("/api/review", params={"document": ids["documents"][2]}).json()["matching"] == 1
    assert client.get("/api/review", params={"source": "test-wire", "min_confidence": 0.2}).json()["matching"] == 3
    assert client.get("/api/review", params={"type": "bogus"}).status_code == 422
    assert client.get("/api/review", params={"min_confidence": 2}).status_code == 422
    viewer, _ = login(app, "viewer")
    assert viewer.get("/api/review").status_code == 403


def test_bulk_confirm_in_the_api_is_audited_per_event(world):
    app, ids = world
    client, headers = login(app, "monitor")
    chosen = [ids["detained"], ids["extradited"]]
    assert client.post("/api/review/bulk", json={"event_ids": chosen}).status_code == 403   # no CSRF token
    r = client.post("/api/review/bulk", headers=headers, json={"event_ids": chosen})
    assert r.status_code == 200 and r.json() == {"decided": 2, "decision": "confirmed", "event_ids": chosen}
    assert client.get("/api/review").json()["total"] == 1
    admin, _ = login(app, "admin")
    audited = [e for e in admin.get("/api/audit?entity=event").json() if e["action"] == "review"]
    assert sorted(e["entity_id"] for e in audited) == sorted(chosen)
    viewer, viewer_headers = login(app, "viewer")
    assert viewer.post("/api/review/bulk", headers=viewer_headers,
                       json={"event_ids": [ids["xss_event"]]}).status_code == 403
    assert client.post("/api/review/bulk", headers=headers, json={"event_ids": ["nope"]}).status_code == 404


def test_merge_needs_a_fresh_preview_and_a_chosen_name_and_undoes(world):
    app, ids = world
    client, headers = login(app, "monitor")
    preview = client.get(f"/api/persons/{ids['yulia']}/merge-preview", params={"other": ids["timur"]}).json()
    assert preview["names"][:2] == ["Юлия Емельянова", "Тимур Ахмедов"]
    assert {t["type"] for t in preview["timeline"]} == {"detained", "extradited"}
    body = {"into": ids["yulia"], "other": ids["timur"], "name": "Тимур Ахмедов", "token": preview["token"]}
    # A name of neither person, or a stale token, merges nothing.
    assert client.post("/api/persons/merge", headers=headers, json=body | {"name": "Иван"}).status_code == 422
    assert client.post("/api/persons/merge", headers=headers, json=body | {"token": "0" * 32}).status_code == 422
    assert client.get(f"/api/persons/{ids['timur']}").status_code == 200
    r = client.post("/api/persons/merge", headers=headers, json=body)
    assert r.status_code == 200, r.text
    audit_id = r.json()["audit_id"]
    assert client.get(f"/api/persons/{ids['yulia']}").json()["person"]["name"] == "Тимур Ахмедов"
    admin, _ = login(app, "admin")                      # the audit log offers the undo
    assert f'action="/merges/{audit_id}/undo"' in admin.get("/audit").text
    r = client.post(f"/api/merges/{audit_id}/undo", headers=headers)
    assert r.json() == {"restored": ids["timur"]}
    assert client.get(f"/api/persons/{ids['timur']}").json()["person"]["name"] == "Тимур Ахмедов"
    assert client.get(f"/api/persons/{ids['yulia']}").json()["person"]["name"] == "Юлия Емельянова"
    assert client.post(f"/api/merges/{audit_id}/undo", headers=headers).status_code == 422


def test_the_review_pages_work_without_javascript(world):
    app, ids = world
    client, headers = login(app, "monitor")
    csrf = headers["X-CSRF-Token"]
    page = client.get("/review", params={"type": "detained", "lang": "en"}).text
    assert "2 match these filters" in page and 'name="event_ids" value="%s"' % ids["detained"] in page
    assert '<script src="/static/review.js"></script>' in page and "<kbd>j</kbd>" in page
    assert "Ждут проверки событий: 3." in client.get("/review?lang=ru").text
    # The document view: the text with its evidence marked, the payload escaped.
    doc = client.get(f"/review/documents/{ids['documents'][2]}").text
    assert "<script>window" not in doc and "&lt;script&gt;window.__xss=1&lt;/script&gt;" in doc
    assert re.search(r'<mark id="at-0">Полиция задержала', doc)
    # Bulk confirm from the queue's checkboxes, then the person view counts what is left.
    r = client.post("/review/bulk", data={"csrf_token": csrf, "event_ids": [ids["detained"]],
                                          "decision": "confirmed", "next": "/review?type=detained"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/review?type=detained"
    person = client.get(f"/review/persons/{ids['yulia']}", params={"lang": "en"}).text
    assert "1 of this person's events await review." in person
    # Merge: the search form finds candidates; no list of everyone, no default.
    found = client.get(f"/persons/{ids['yulia']}/merge", params={"q": "Тимур"}).text
    assert f'href="/persons/{ids["yulia"]}/merge/{ids["timur"]}"' in found
    assert "<select" not in client.get(f"/persons/{ids['yulia']}/edit").text
    preview = client.get(f"/persons/{ids['yulia']}/merge/{ids['timur']}").text
    assert 'type="radio" name="name" value="Юлия Емельянова" required>' in preview and "checked" not in \
        preview.split('id="canonical-name"')[1].split("</fieldset>")[0]
    token = re.search(r'name="token" value="([0-9a-f]+)"', preview).group(1)
    url = f"/persons/{ids['yulia']}/merge/{ids['timur']}"
    r = client.post(url, data={"csrf_token": csrf, "token": token})            # no name chosen
    assert r.status_code == 409 and 'id="merge-error"' in r.text
    assert client.get(f"/api/persons/{ids['timur']}").status_code == 200
    r = client.post(url, data={"csrf_token": csrf, "token": token, "name": "Юлия Емельянова"},
                    follow_redirects=False)
    assert r.status_code == 303
    merged = client.get(r.headers["location"]).text
    undo = re.search(r'action="/merges/(\d+)/undo"', merged)
    assert undo, merged
    r = client.post(f"/merges/{undo.group(1)}/undo", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/persons/{ids['timur']}"
    assert client.get(f"/api/persons/{ids['timur']}").status_code == 200
