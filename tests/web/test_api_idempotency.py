"""``Idempotency-Key`` (README "API JSON"): a request sent again with its key, after the
answer was lost on a slow intranet, gets what the first one made and makes nothing more;
the key is the caller's, kept 24 hours, and refused with another request."""

import json
from collections import Counter
from datetime import timedelta

import pytest
import requests
from sqlalchemy import select

from engine.models import Comment, ProcessInstance, TicketMessage
from tests.helpers.races import at_once
from tests.helpers.rows import app_count
from tests.helpers.servers import threaded_server
from tests.web.conftest import api_token
from tests.web.desk_helpers import add_employee
from tests.web.test_servicedesk_api import _start
from web.extensions import db

SERVER = "penanganan_gangguan_server"
BODY = {"process_key": SERVER, "title": "Server SIPP mati"}
KEY = "7c1e9a52-3f4b-4d2e-9a61-0b5c8d7e6f10"


def _keyed(headers: dict, key: str = KEY) -> dict:
    return {**headers, "Idempotency-Key": key}


def _started(app) -> int:
    return app_count(app, ProcessInstance)


@pytest.fixture
def prakom(client):
    return api_token(client, "prakom")


def test_a_start_sent_again_with_its_key_answers_the_first_process(app, client, prakom):
    first = client.post("/api/v1/instances", headers=_keyed(prakom), json=BODY)
    assert first.status_code == 201, first.json
    assert "Idempotent-Replayed" not in first.headers
    # The same body with other spacing and key order is the same request.
    again = client.post("/api/v1/instances", headers={
        **_keyed(prakom), "Content-Type": "application/json"},
        data=json.dumps({"title": "Server SIPP mati", "process_key": SERVER}, indent=2))
    assert again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert (again.json["id"], again.json["number"]) == (first.json["id"], first.json["number"])
    assert _started(app) == 1
    other = client.post("/api/v1/instances", headers=_keyed(prakom),
                        json={**BODY, "title": "Server lain"})
    assert (other.status_code, other.json["error"]["code"]) == (422, "idempotency_key_reused")
    assert other.json["error"]["fields"] == {
        "Idempotency-Key": ["kunci ini sudah dipakai untuk permintaan lain; pakai kunci baru"]}
    assert _started(app) == 1
    # Without a key every request makes its own; a key is the caller's own.
    assert client.post("/api/v1/instances", headers=prakom, json=BODY).status_code == 201
    kasubbag = api_token(client, "kasubbag")
    theirs = client.post("/api/v1/instances", headers=_keyed(kasubbag), json=BODY)
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs.headers
    assert _started(app) == 3


@pytest.mark.parametrize("key", ["", "dua kata", "x" * 101, "kunci-ñ"])
def test_a_key_that_is_not_visible_ascii_is_refused_and_starts_nothing(client, app, prakom,
                                                                       key):
    answer = client.post("/api/v1/instances", headers=_keyed(prakom, key), json=BODY)
    assert (answer.status_code, answer.json["error"]["fields"]) == (422, {
        "Idempotency-Key": ["harus 1–100 karakter ASCII terlihat (tanpa spasi)"]})
    assert answer.json["error"]["message"] == ("Permintaan tidak valid: Idempotency-Key: harus "
                                               "1–100 karakter ASCII terlihat (tanpa spasi).")
    assert _started(app) == 0


def test_a_refused_request_keeps_nothing_and_a_day_later_the_key_is_new(app, client, clock,
                                                                        prakom):
    refused = client.post("/api/v1/instances", headers=_keyed(prakom),
                          json={**BODY, "title": ""})
    assert refused.status_code == 422
    mended = client.post("/api/v1/instances", headers=_keyed(prakom), json=BODY)
    assert mended.status_code == 201 and "Idempotent-Replayed" not in mended.headers
    clock.advance(timedelta(hours=23, minutes=59))
    prakom = api_token(client, "prakom")  # a token lives a working day
    assert client.post("/api/v1/instances", headers=_keyed(prakom), json=BODY
                       ).headers["Idempotent-Replayed"] == "true"
    clock.advance(timedelta(minutes=1))
    prakom = api_token(client, "prakom")
    later = client.post("/api/v1/instances", headers=_keyed(prakom), json=BODY)
    assert later.status_code == 201 and "Idempotent-Replayed" not in later.headers
    assert later.json["id"] != mended.json["id"]
    assert _started(app) == 2


def test_a_comment_and_a_ticket_message_sent_again_are_kept_once(app, client, prakom):
    instance_id = client.post("/api/v1/instances", headers=prakom, json=BODY).json["id"]
    url = f"/api/v1/instances/{instance_id}/comments"
    first = client.post(url, headers=_keyed(prakom), json={"text": "Sudah dicek"})
    again = client.post(url, headers=_keyed(prakom), json={"text": "Sudah dicek"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    elsewhere = client.post(url, headers=_keyed(prakom, "kunci-2"), json={"text": "Lagi"})
    assert elsewhere.status_code == 201
    add_employee(app)
    me = api_token(client, "pegawai")
    ticket = _start(client, me)
    url = f"/api/v1/tickets/{ticket}/messages"
    answers = [client.post(url, headers=_keyed(me), json={"text": "Sudah saya restart"})
               for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[1].headers["Idempotent-Replayed"] == "true"
    with app.app_context():
        assert list(db.session.scalars(select(Comment.text).where(
            Comment.instance_id == instance_id))) == ["Sudah dicek", "Lagi"]
        assert list(db.session.scalars(select(TicketMessage.text).where(
            TicketMessage.instance_id == ticket))) == ["Sudah saya restart"]


def test_ten_retries_at_once_start_exactly_one_process(app, client, prakom):
    with threaded_server(app) as base:
        answers = at_once([lambda: requests.post(
            f"{base}/api/v1/instances", headers=_keyed(prakom), json=BODY, timeout=60)] * 10)
    assert Counter(a.status_code for a in answers) == {201: 10}
    assert len({a.json()["id"] for a in answers}) == 1
    assert sum(a.headers.get("Idempotent-Replayed") == "true" for a in answers) == 9
    assert _started(app) == 1


def test_the_contract_names_the_header_where_it_is_taken(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    taking = sorted(f"{method.upper()} {path}" for path, operations in paths.items()
                    for method, operation in operations.items()
                    if any(p.get("name") == "Idempotency-Key"
                           for p in operation.get("parameters", [])))
    assert taking == ["POST /api/v1/instances", "POST /api/v1/instances/{instance_id}/comments",
                      "POST /api/v1/tickets/{instance_id}/messages"]
    started = paths["/api/v1/instances"]["post"]["responses"]
    assert started["201"]["headers"]["Idempotent-Replayed"]["schema"] == {
        "type": "string", "enum": ["true"]}
    assert "409" in started
