"""The OpenAPI document marks the fields every answer carries ``required`` (a client
generated from it need not guess which may be missing), and a walk through the API's
common calls, as an official, an administrator and a requester, is answered exactly as the
document says: each 2xx body validates against its schema, ``required`` included."""

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from engine.roles import username_for
from tests.conftest import START_DATA, sop_walks
from tests.web.conftest import api_token
from tests.web.desk_helpers import add_employee
from web.cli.worker import fire_once

SERVER = "penanganan_gangguan_server"
LTI = "penanganan_permintaan_layanan_ti"


class Contract:
    """Calls the API through a test client and checks each 2xx answer's JSON body against
    the document's schema of that path, method and status."""

    def __init__(self, client) -> None:
        self.client = client
        self.document = client.get("/api/v1/openapi.json").json
        self.paths = [(re.compile("^" + re.sub(r"\{[a-z_]+\}", "[^/]+", path) + "$"), path)
                      for path in self.document["paths"]]
        self.checked: set[str] = set()

    def call(self, method: str, url: str, headers: dict[str, str], status: int,
             **kwargs: Any) -> Any:
        answer = self.client.open(url, method=method, headers=headers, **kwargs)
        assert answer.status_code == status, (method, url, answer.json)
        [path] = [path for pattern, path in self.paths if pattern.match(url.split("?")[0])]
        schema = (self.document["paths"][path][method.lower()]["responses"][str(status)]
                  ["content"]["application/json"]["schema"])
        Draft202012Validator({**schema, "components": self.document["components"]}).validate(
            answer.json)
        self.checked.add(f"{method} {path}")
        return answer.json


@pytest.fixture
def contract(client) -> Contract:
    return Contract(client)


def test_the_fields_every_answer_carries_are_required_in_the_document(contract):
    schemas = contract.document["components"]["schemas"]
    assert {"id", "instance_id", "due_at", "claimed_by", "completed_at"} <= set(
        schemas["Task"]["required"])
    assert set(schemas["Instance"]["required"]) == set(schemas["Instance"]["properties"])
    # Every inbox task carries them (the API probe), and a ticket's priority is one of its
    # SLA's, "" before triage.
    assert {"waiting", "priority"} <= set(schemas["InboxTask"]["required"])
    assert schemas["InboxTask"]["properties"]["priority"]["enum"] == [
        "", "kritis", "mayor", "minor", None]
    assert "same_as_version" in schemas["Deployed"]["required"]
    # Left out by some answers, as the README says: not required.
    assert {"history", "history_total"}.isdisjoint(schemas["InstanceBrief"]["required"])
    assert {"case", "submitted"}.isdisjoint(schemas["TaskDetail"]["required"])
    # A task's case is typed to its rows (the OpenAPI probe): a client need not guess.
    assert schemas["TaskDetail"]["properties"]["case"] == {"$ref": "#/components/schemas/Case"}
    for name, shown in (("Case", {"data", "steps", "steps_total", "attachments",
                                  "attachments_total", "comments", "comments_total"}),
                        ("CaseStep", {"id", "name", "role", "completed_by", "completed_by_name",
                                      "completed_as", "completed_at", "decision", "returned",
                                      "note", "data"})):
        assert set(schemas[name]["required"]) == set(schemas[name]["properties"]) == shown
    assert "rating" in schemas["Ticket"]["required"]
    # Keys always written, null where nothing is named: required, not "may be absent".
    for name in ("Attachment", "Comment", "Substitution", "Version"):
        assert set(schemas[name]["required"]) == set(schemas[name]["properties"]), name
    # What the server takes and writes, typed: a client need not try it out.
    assert schemas["RatingCreate"]["properties"]["score"] == {
        "type": "integer", "minimum": 1, "maximum": 5}
    assert {schemas["NotificationItem"]["properties"][name]["type"]
            for name in ("label", "text", "state")} == {"string"}
    for name, field, values in (("Instance", "status", {"running", "completed", "cancelled",
                                                       "error"}),
                                ("InboxTask", "state", {"open", "completed", "cancelled"})):
        assert set(schemas[name]["properties"][field]["enum"]) == values
    error = schemas["ErrorBody"]["properties"]
    assert (error["problems"]["items"], error["max_bytes"]["type"]) == (
        {"type": "string"}, "integer")
    assert error["max_parts"]["type"] == "integer", "the 413 of too many parts (API probe)"
    # A request body stays as it was: only what the server asks for.
    assert schemas["InstanceCreate"]["required"] == ["process_key", "title"]


def test_an_officials_day_is_answered_as_the_document_says(app, client, contract, clock):
    prakom = api_token(client, "prakom")
    contract.call("GET", "/api/v1/processes", prakom, 200)
    contract.call("GET", f"/api/v1/processes/{SERVER}", prakom, 200)
    instance = contract.call("POST", "/api/v1/instances", prakom, 201, json={
        "process_key": SERVER, "title": "Server SIPP mati", "data": START_DATA.get(SERVER, {})})
    number = instance["id"]
    contract.call("GET", f"/api/v1/instances/{number}", prakom, 200)
    contract.call("GET", "/api/v1/instances?scope=mine", prakom, 200)
    contract.call("GET", f"/api/v1/instances/{number}/history", prakom, 200)
    [task] = instance["open_tasks"]
    headers = api_token(client, username_for(task["role"]))
    contract.call("GET", "/api/v1/tasks", headers, 200)
    contract.call("GET", f"/api/v1/tasks/{task['id']}", headers, 200)
    contract.call("POST", f"/api/v1/tasks/{task['id']}/claim", headers, 200)
    contract.call("POST", f"/api/v1/tasks/{task['id']}/release", headers, 200)
    contract.call("POST", f"/api/v1/instances/{number}/comments", headers, 201,
                  json={"text": "Sudah dicek."})
    contract.call("GET", f"/api/v1/instances/{number}/comments", headers, 200)
    contract.call("POST", f"/api/v1/tasks/{task['id']}/attachments", headers, 201,
                  data={"lampiran": (io.BytesIO(b"%PDF-1.4 log"), "log.pdf")})
    contract.call("GET", f"/api/v1/instances/{number}/attachments", headers, 200)
    done = contract.call("POST", f"/api/v1/tasks/{task['id']}/complete", headers, 200,
                         json={"data": {}})
    contract.call("GET", f"/api/v1/tasks/{task['id']}", headers, 200)  # with submitted
    [after] = done["instance"]["open_tasks"]
    contract.call("POST", f"/api/v1/tasks/{after['id']}/complete?include=history",
                  api_token(client, username_for(after["role"])), 200,
                  json={"data": sop_walks()[SERVER][1]["data"]})
    clock.advance(timedelta(days=30))
    assert fire_once(app) > 0  # reminders and escalations of the late step
    prakom, kasubbag = api_token(client, "prakom"), api_token(client, "kasubbag")
    admin = api_token(client, "admin")
    assert contract.call("GET", "/api/v1/tasks?state=terlambat&view=bawahan", kasubbag, 200)
    notices = contract.call("GET", "/api/v1/notifications", prakom, 200)["items"]
    assert notices
    contract.call("POST", f"/api/v1/notifications/{notices[0]['id']}/read", prakom, 200)
    contract.call("GET", "/api/v1/notifications/unread-count", kasubbag, 200)
    contract.call("POST", "/api/v1/notifications/read", kasubbag, 200)
    contract.call("GET", f"/api/v1/processes/{SERVER}/versions", admin, 200)
    contract.call("POST", f"/api/v1/processes/{SERVER}/versions/1/activate", admin, 200)
    now = clock.now()
    contract.call("POST", "/api/v1/substitutions", admin, 201, json={
        "kind": "Plh", "official": "kasubbag", "substitute": "sekretaris", "role": "Kasubbag",
        "warrant_number": "ND-7/2026", "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=3)).isoformat()})
    contract.call("GET", "/api/v1/substitutions", admin, 200)
    assert len(contract.checked) == 23, sorted(contract.checked)


def test_a_requesters_ticket_is_answered_as_the_document_says(app, client, contract):
    add_employee(app)
    me = api_token(client, "pegawai")
    contract.call("GET", "/api/v1/processes?startable=1", me, 200)
    started = contract.call("POST", "/api/v1/instances", me, 201, json={
        "process_key": LTI, "title": "Printer rusak", "data": START_DATA[LTI]})
    contract.call("GET", "/api/v1/tickets", me, 200)
    contract.call("POST", f"/api/v1/tickets/{started['id']}/messages", me, 201,
                  json={"text": "Printer di ruang sidang 2."})
    ticket = contract.call("GET", f"/api/v1/tickets/{started['id']}", me, 200)
    assert ticket["rating"] is None and ticket["messages_total"] == 1


def test_both_shapes_of_field_messages_are_in_the_document(client, contract):
    """``invalid_request`` gives a list per field, ``invalid_data`` one text (README, "Dua
    bentuk fields"); both answers validate against the document's error schema."""
    prakom = api_token(client, "prakom")
    started = client.post("/api/v1/instances", headers=prakom, json={
        "process_key": SERVER, "title": "Server SIPP mati"}).json
    task = started["open_tasks"][0]["id"]
    kasubbag = api_token(client, "kasubbag")
    error = {"$ref": "#/components/schemas/Error",
             "components": contract.document["components"]}
    unknown = client.post(f"/api/v1/tasks/{task}/assign", headers=kasubbag,
                          json={"assignee": "tidak-ada"})
    other_role = client.post(f"/api/v1/tasks/{task}/assign", headers=kasubbag,
                             json={"assignee": "ketua"})
    assert (unknown.status_code, unknown.json["error"]["code"]) == (422, "invalid_request")
    assert unknown.json["error"]["fields"] == {"assignee": ["pengguna tidak ditemukan"]}
    assert (other_role.status_code, other_role.json["error"]["code"]) == (422, "invalid_data")
    assert other_role.json["error"]["fields"] == {
        "assignee": "Demo Ketua tidak memegang peran Prakom"}
    for answer in (unknown, other_role):
        Draft202012Validator(error).validate(answer.json)
