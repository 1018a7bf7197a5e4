"""Property-based API testing with schemathesis against the app's own
OpenAPI schema: whatever it sends, as a logged-in admin (who may call
every endpoint), nothing answers with a server error.

schemathesis generates the requests from the schema; hypothesis drives
them (schemathesis's own pytest plugin does not load with this pytest,
so each operation's strategy is drawn from directly)."""
from __future__ import annotations

import pytest
import schemathesis
import webstore
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from webstore import PASSWORD

from khronika.web import create_app


@pytest.fixture(scope="module")
def web(tmp_path_factory):
    db = tmp_path_factory.mktemp("schemathesis") / "web.db"
    webstore.build(db)
    app = create_app(db)
    client = TestClient(app)
    r = client.post("/api/login", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 200
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)
    operations = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path != "/api/logout":          # would end the session the other calls use
            operations[f"{operation.method.upper()} {operation.path}"] = operation
    yield operations, {"X-CSRF-Token": r.json()["csrf_token"]}, dict(client.cookies)
    app.state.store.close()


def test_the_schema_has_every_operation(web):
    operations, _, _ = web
    assert len(operations) >= 20
    assert "POST /api/events/{event_id}/review" in operations


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_no_request_makes_the_server_fail(web, data):
    operations, headers, cookies = web
    label = data.draw(st.sampled_from(sorted(operations)))
    case = data.draw(operations[label].as_strategy())
    response = case.call(headers=headers, cookies=cookies)
    assert response.status_code < 500, (label, case.path_parameters, case.query, case.body,
                                        response.status_code, response.text[:300])
