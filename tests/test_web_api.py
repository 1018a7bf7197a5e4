"""The JSON API: every endpoint, who may call it, CSRF, login throttling.

In-process (Starlette's TestClient) over a real SQLite file built by
tests/webstore.py; the browser tests (test_web_browser.py) drive a real
server and Chromium.
"""
from __future__ import annotations

import pytest
import webstore
from fastapi.testclient import TestClient
from webstore import PASSWORD

from khronika.store import open_store
from khronika.web import create_app


@pytest.fixture()
def world(tmp_path):
    db = tmp_path / "web.db"
    ids = webstore.build(db)
    app = create_app(db)
    yield app, ids, db
    app.state.store.close()


def login(app, username: str) -> tuple[TestClient, dict]:
    client = TestClient(app)
    r = client.post("/api/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return client, {"X-CSRF-Token": r.json()["csrf_token"]}


def test_every_api_endpoint_needs_a_login(world):
    app, ids, _ = world
    anonymous = TestClient(app)
    gets = ["/api/me", "/api/persons", f"/api/persons/{ids['yulia']}", f"/api/documents/{ids['documents'][0]}",
            "/api/search?q=задержали", "/api/trends", "/api/review", f"/api/cases/{ids['yulia']}",
            "/api/dashboard", "/api/audit"]
    for path in gets:
        assert anonymous.get(path).status_code == 401, path
    # Unsafe methods without a session are refused before anything runs.
    assert anonymous.post(f"/api/events/{ids['detained']}/review", json={"decision": "confirmed"}).status_code == 401
    assert anonymous.put(f"/api/cases/{ids['yulia']}", json={"status": "detained"}).status_code == 401


def test_login_answers_401_for_a_wrong_password_and_429_after_five(world):
    app, _, _ = world
    client = TestClient(app)
    for _ in range(5):
        assert client.post("/api/login", json={"username": "lawyer", "password": "wrong-password"}).status_code == 401
    r = client.post("/api/login", json={"username": "lawyer", "password": PASSWORD})
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0
    # Another account from another address is not affected by the lock on "lawyer".
    other = TestClient(app, client=("10.9.9.9", 5000))
    assert other.post("/api/login", json={"username": "monitor", "password": PASSWORD}).status_code == 200


def test_session_cookie_is_httponly_and_samesite(world):
    app, _, _ = world
    r = TestClient(app).post("/api/login", json={"username": "viewer", "password": PASSWORD})
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "secure" not in cookie            # plain http on localhost
    r = TestClient(app, base_url="https://khronika.example").post(
        "/api/login", json={"username": "viewer", "password": PASSWORD})
    assert "secure" in r.headers["set-cookie"].lower()


def test_passwords_are_stored_as_argon2id_hashes(world):
    _, _, db = world
    with open_store(db) as store:
        stored = store.user_by_name("lawyer")["password_hash"]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_state_changes_need_the_csrf_token(world):
    app, ids, db = world
    client, headers = login(app, "monitor")
    r = client.post(f"/api/events/{ids['detained']}/review", json={"decision": "confirmed"})
    assert r.status_code == 403
    r = client.post(f"/api/events/{ids['detained']}/review", json={"decision": "confirmed"},
                    headers={"X-CSRF-Token": "forged"})
    assert r.status_code == 403
    with open_store(db) as store:
        assert store.event(ids["detained"])["review_status"] == "pending"
    # A request from a page of another site is refused even with the token.
    r = client.post(f"/api/events/{ids['detained']}/review", json={"decision": "confirmed"},
                    headers=headers | {"Origin": "https://evil.example"})
    assert r.status_code == 403
    r = client.post(f"/api/events/{ids['detained']}/review", json={"decision": "confirmed"}, headers=headers)
    assert r.status_code == 200


def test_review_confirm_edit_reject_are_recorded_with_who_and_when(world):
    app, ids, db = world
    client, headers = login(app, "monitor")
    queue = client.get("/api/review").json()
    assert queue["total"] == 3
    assert [e["id"] for e in queue["events"]][:1] == [ids["xss_event"]]    # freshest happening first (store/review.py)
    r = client.post(f"/api/events/{ids['extradited']}/review", headers=headers,
                    json={"decision": "confirmed", "type": "deported", "date": "2026-02-08", "place": "Астана"})
    assert r.status_code == 200
    edited = r.json()
    assert (edited["type"], edited["date"], edited["reviewed_by"]) == ("deported", "2026-02-08", "monitor")
    assert edited["country"] == "KZ"
    assert edited["status"] == "edited" and "review_status" not in edited     # one vocabulary (i18n.py)
    r = client.post(f"/api/events/{ids['xss_event']}/review", headers=headers, json={"decision": "rejected"})
    assert r.json()["status"] == "rejected"
    assert client.get("/api/review").json()["total"] == 1
    # The rejected event is gone from the timeline; the edited one shows the correction.
    timeline = client.get(f"/api/persons/{ids['timur']}").json()["timeline"]
    assert timeline == []
    facts = client.get(f"/api/persons/{ids['yulia']}").json()["timeline"]
    assert [(f["type"], f["date"], f["confirmed"], f["status"]) for f in facts] == [
        ("detained", "2026-01-27", False, "unreviewed"), ("deported", "2026-02-08", True, "confirmed")]
    assert {e["status"] for e in client.get("/api/review").json()["events"]} == {"unreviewed"}
    # Documents say the same words, "edited" for the corrected one, in the API and on the page.
    statuses, pages = {}, ""
    for doc_id in ids["documents"]:
        statuses |= {e["id"]: e["status"] for e in client.get(f"/api/documents/{doc_id}").json()["events"]}
        pages += client.get(f"/documents/{doc_id}?lang=ru").text
    assert (statuses[ids["extradited"]], statuses[ids["xss_event"]], statuses[ids["detained"]]) == (
        "edited", "rejected", "unreviewed")
    assert all(word in pages for word in ("исправлено", "отклонено", "не проверено"))
    admin, _ = login(app, "admin")
    log = admin.get("/api/audit?entity=event").json()
    edit = next(e for e in log if e["entity_id"] == ids["extradited"])
    assert edit["username"] == "monitor" and edit["before"]["type"] == "extradited"
    assert edit["after"]["type"] == "deported" and edit["at"]


def test_invalid_review_values_are_422_not_500(world):
    app, ids, _ = world
    client, headers = login(app, "monitor")
    url = f"/api/events/{ids['detained']}/review"
    assert client.post(url, headers=headers, json={"decision": "maybe"}).status_code == 422
    assert client.post(url, headers=headers, json={"decision": "confirmed", "type": "abducted"}).status_code == 422
    assert client.post(url, headers=headers, json={"decision": "confirmed", "date": "2026-13-45"}).status_code == 422
    assert client.post(url, headers=headers, json={"decision": "confirmed", "person_id": "nobody"}).status_code == 404
    assert client.post("/api/events/nope/review", headers=headers, json={"decision": "confirmed"}).status_code == 404


def test_merge_and_split_persons(world):
    app, ids, db = world
    client, headers = login(app, "monitor")
    r = client.post("/api/persons/merge", headers=headers, json={"into": ids["yulia"], "other": ids["timur"]})
    assert r.status_code == 422                         # the canonical name is chosen explicitly
    r = client.post("/api/persons/merge", headers=headers,
                    json={"into": ids["yulia"], "other": ids["timur"], "name": "Юлия Емельянова"})
    assert r.status_code == 200
    assert client.get(f"/api/persons/{ids['timur']}", follow_redirects=False).status_code == 308
    merged = client.get(f"/api/persons/{ids['yulia']}").json()
    assert "Тимур Ахмедов" in merged["person"]["aliases"]
    assert len(merged["timeline"]) == 3
    r = client.post(f"/api/persons/{ids['yulia']}/split", headers=headers,
                    json={"name": "Тимур Ахмедов", "event_ids": [ids["xss_event"]]})
    new_id = r.json()["id"]
    assert [f["type"] for f in client.get(f"/api/persons/{new_id}").json()["timeline"]] == ["detained"]
    assert len(client.get(f"/api/persons/{ids['yulia']}").json()["timeline"]) == 2
    with open_store(db) as store:
        # Documents resolving to the merged-away id later land on the survivor.
        assert store.person_redirects([ids["timur"]]) == {ids["timur"]: ids["yulia"]}


def test_viewers_see_confirmed_public_facts_only_and_no_case_files(world):
    app, ids, _ = world
    lawyer, lawyer_headers = login(app, "lawyer")
    assert lawyer.put(f"/api/cases/{ids['yulia']}", headers=lawyer_headers,
                      json={"status": "extradited", "summary": "PRIVATE-SUMMARY"}).status_code == 200
    viewer, viewer_headers = login(app, "viewer")
    assert viewer.get("/api/persons").json() == []                  # nothing confirmed yet
    assert viewer.get(f"/api/persons/{ids['yulia']}").status_code == 404
    monitor, monitor_headers = login(app, "monitor")
    monitor.post(f"/api/events/{ids['detained']}/review", headers=monitor_headers, json={"decision": "confirmed"})
    persons = viewer.get("/api/persons").json()
    assert [p["id"] for p in persons] == [ids["yulia"]]
    page = viewer.get(f"/api/persons/{ids['yulia']}").json()
    assert [f["type"] for f in page["timeline"]] == ["detained"]   # the unreviewed extradition is not shown
    assert "do_not_publish" not in page["person"]
    for path in (f"/api/cases/{ids['yulia']}", "/api/dashboard", "/api/audit", "/api/review"):
        assert viewer.get(path).status_code == 403, path
    assert viewer.post(f"/api/cases/{ids['yulia']}/notes", headers=viewer_headers,
                       json={"body": "x"}).status_code == 403
    assert viewer.post(f"/api/events/{ids['extradited']}/review", headers=viewer_headers,
                       json={"decision": "confirmed"}).status_code == 403
    # "Do not publish" hides the person from viewers altogether.
    monitor.put(f"/api/persons/{ids['yulia']}/publication", headers=monitor_headers, json={"do_not_publish": True})
    assert viewer.get("/api/persons").json() == []
    assert viewer.get(f"/api/persons/{ids['yulia']}").status_code == 404
    assert viewer.get(f"/api/documents/{ids['documents'][0]}").status_code == 404


def test_monitors_cannot_touch_case_files_and_lawyers_cannot_review(world):
    app, ids, _ = world
    monitor, monitor_headers = login(app, "monitor")
    assert monitor.get(f"/api/cases/{ids['yulia']}").status_code == 403
    assert monitor.post(f"/api/cases/{ids['yulia']}/deadlines", headers=monitor_headers,
                        json={"title": "x", "due": "2026-12-01"}).status_code == 403
    lawyer, lawyer_headers = login(app, "lawyer")
    assert lawyer.get("/api/review").status_code == 403
    assert lawyer.post("/api/persons/merge", headers=lawyer_headers,
                       json={"into": ids["yulia"], "other": ids["timur"]}).status_code == 403
    assert lawyer.get("/api/audit").status_code == 403
    # Lawyers do see unreviewed events (the 2 a.m. filing cannot wait for review).
    assert len(lawyer.get(f"/api/persons/{ids['yulia']}").json()["timeline"]) == 2


def test_case_file_deadlines_tasks_notes_and_dashboard(world):
    app, ids, _ = world
    client, headers = login(app, "lawyer")
    pid = ids["yulia"]
    r = client.put(f"/api/cases/{pid}", headers=headers,
                   json={"status": "in_custody", "summary": "Held in Astana.", "next_hearing": "2030-01-15"})
    assert r.json()["status"] == "in_custody"
    assert client.post(f"/api/cases/{pid}/lawyers", headers=headers,
                       json={"user_id": ids["lawyer"]}).json()["lawyers"][0]["username"] == "lawyer"
    assert client.post(f"/api/cases/{pid}/lawyers", headers=headers,
                       json={"user_id": ids["viewer"]}).status_code == 422     # not a lawyer
    deadline = client.post(f"/api/cases/{pid}/deadlines", headers=headers,
                           json={"title": "UN CAT urgent appeal", "due": "2000-01-01", "remind_days": 2})
    assert deadline.status_code == 201
    task = client.post(f"/api/cases/{pid}/tasks", headers=headers,
                       json={"title": "Get the court ruling", "due": "2999-01-01", "assignee_id": ids["lawyer2"]})
    assert task.status_code == 201
    assert client.post(f"/api/cases/{pid}/notes", headers=headers, json={"body": "Family contact via X"}
                       ).status_code == 201
    case = client.get(f"/api/cases/{pid}").json()
    assert [d["title"] for d in case["deadlines"]] == ["UN CAT urgent appeal"]
    assert case["tasks"][0]["assignee"] == "lawyer2"
    assert case["notes"][0]["body"] == "Family contact via X"
    due = client.get("/api/dashboard").json()
    assert due["deadlines"][0]["overdue"] is True and due["deadlines"][0]["person_name"] == "Юлия Емельянова"
    assert due["hearings"][0]["next_hearing"] == "2030-01-15"
    other, _ = login(app, "lawyer2")
    mine = other.get("/api/dashboard?mine=true").json()
    assert [t["title"] for t in mine["tasks"]] == ["Get the court ruling"]      # assigned to lawyer2
    assert mine["deadlines"] == []                                               # not lawyer2's case
    r = client.patch(f"/api/deadlines/{deadline.json()['id']}", headers=headers, json={"done": True})
    assert r.status_code == 200
    assert client.get("/api/dashboard").json()["deadlines"] == []
    assert client.post(f"/api/cases/{pid}/deadlines", headers=headers,
                       json={"title": "x", "due": "2026-02-30"}).status_code == 422
    assert client.post("/api/cases/nobody/notes", headers=headers, json={"body": "x"}).status_code == 404


def test_the_audit_log_records_changes_but_not_the_words_of_notes(world):
    app, ids, _ = world
    client, headers = login(app, "lawyer")
    client.post(f"/api/cases/{ids['yulia']}/notes", headers=headers, json={"body": "SECRET-SOURCE-NAME"})
    admin, _ = login(app, "admin")
    log = admin.get("/api/audit").json()
    assert any(e["entity"] == "note" and e["username"] == "lawyer" for e in log)
    assert "SECRET-SOURCE-NAME" not in str(log)


def test_search_api_finds_inflected_forms_and_escapes_scraped_text(world):
    app, ids, _ = world
    client, _ = login(app, "monitor")
    r = client.get("/api/search", params={"q": "задержание"})
    assert r.status_code == 200
    hits = r.json()["hits"]
    assert {h["document_id"] for h in hits} >= {ids["documents"][0], ids["documents"][2]}
    xss = next(h for h in hits if h["document_id"] == ids["documents"][2])
    assert "<script>" not in xss["snippet_html"] and "&lt;script&gt;" in xss["snippet_html"]
    assert "<mark>" in xss["snippet_html"]
    filtered = client.get("/api/search", params={"q": "задержали", "person": ids["yulia"]}).json()
    assert [h["document_id"] for h in filtered["hits"]] == [ids["documents"][0]]
    assert client.get("/api/search", params={"q": "задержали", "type": "abducted"}).status_code == 422


def test_trends_count_events_by_month_country_and_type(world):
    app, ids, _ = world
    client, _ = login(app, "monitor")
    rows = client.get("/api/trends").json()["rows"]
    assert {(r["month"], r["country"], r["type"], r["count"]) for r in rows} == {
        ("2026-01", "KZ", "detained", 1), ("2026-02", "KZ", "extradited", 1), ("2026-03", "KG", "detained", 1)}


def test_documents_and_snapshots_are_served_safely(world):
    app, ids, _ = world
    client, _ = login(app, "monitor")
    doc = client.get(f"/api/documents/{ids['documents'][2]}").json()
    assert "<script>" in doc["text"]                       # JSON carries the text as data
    r = client.get(f"/documents/{ids['documents'][2]}/snapshot")
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["content-disposition"].startswith("attachment")
    assert r.headers["content-security-policy"] == "sandbox"
    page = client.get(f"/documents/{ids['documents'][2]}")
    assert "<script>window" not in page.text and "&lt;script&gt;window" in page.text
    policy = page.headers["content-security-policy"]
    # Scripts only as this app's own files: never inline, so the payload above cannot run.
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy


def test_the_openapi_schema_lists_the_api(world):
    app, _, _ = world
    schema = TestClient(app).get("/api/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/api/login", "/api/persons/{person_id}", "/api/search", "/api/events/{event_id}/review",
            "/api/cases/{person_id}", "/api/dashboard", "/api/audit"} <= paths
    assert not any(not p.startswith("/api/") for p in paths)       # HTML pages stay out of the schema


def test_me_persons_filter_documents_tasks_and_logout(world):
    app, ids, _ = world
    client, headers = login(app, "lawyer")
    me = client.get("/api/me").json()
    assert (me["username"], me["role"]) == ("lawyer", "lawyer") and me["csrf_token"] == headers["X-CSRF-Token"]
    # The name filter takes any case and script.
    assert [p["id"] for p in client.get("/api/persons", params={"q": "Emelyanova"}).json()] == [ids["yulia"]]
    assert [p["id"] for p in client.get("/api/persons", params={"q": "Емельяновой"}).json()] == [ids["yulia"]]
    doc = client.get(f"/api/documents/{ids['documents'][0]}").json()
    assert doc["url"] == "https://news.example/kz-1" and [e["type"] for e in doc["events"]] == ["detained"]
    assert "path" not in doc
    task = client.post(f"/api/cases/{ids['yulia']}/tasks", headers=headers,
                       json={"title": "Call the consulate", "due": "2999-01-01"}).json()["id"]
    assert client.patch(f"/api/tasks/{task}", headers=headers, json={"done": True}).json()["done"] is True
    assert client.get("/api/dashboard").json()["tasks"] == []
    assert client.post(f"/api/cases/{ids['yulia']}/lawyers", headers=headers,
                       json={"user_id": ids["lawyer"], "assigned": False}).json()["lawyers"] == []
    assert client.post("/api/logout", headers=headers).json() == {"ok": True}
    assert client.get("/api/me").status_code == 401          # the session is gone server-side


def test_search_with_filters_and_no_words_lists_the_documents(world):
    app, ids, _ = world
    client, _ = login(app, "lawyer")
    found = client.get("/api/search", params={"person": "Юлии Емельяновой"}).json()
    assert sorted(h["document_id"] for h in found["hits"]) == sorted(ids["documents"][:2])
    # Each hit shows the evidence sentence of the person's event in it.
    assert {h["sentence"] for h in found["hits"]} == {
        "Пограничники задержали Юлию Емельянову в аэропорту Алматы.",
        "Суд в Астане выдал Юлию Емельянову России."}
    assert client.get("/api/search", params={"type": "extradited"}).json()["total"] == 1
    assert client.get("/api/search").json()["total"] == 0           # neither words nor filters


def test_the_login_throttle_holds_across_server_processes(world):
    """Two apps over one store stand for two `--workers`: failures counted by
    one lock the account in the other."""
    app, _, db = world
    other_process = create_app(db)
    try:
        for _ in range(3):
            TestClient(app).post("/api/login", json={"username": "monitor", "password": "wrong-password"})
        for _ in range(2):
            TestClient(other_process).post("/api/login", json={"username": "monitor", "password": "wrong-password"})
        assert TestClient(app).post("/api/login", json={"username": "monitor", "password": PASSWORD}
                                    ).status_code == 429
    finally:
        other_process.state.store.close()
