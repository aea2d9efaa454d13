"""Two submits of one form at once (a double click, two tabs, a retrying script): the one
that loses a unique constraint is told so with a 409 in words, never a 500, and the
winner's row is the only one stored."""

import io
from collections import Counter

import requests
from sqlalchemy import select

from engine.models import ProcessDefinition
from tests.conftest import mini_bpmn
from tests.helpers.races import at_once
from tests.helpers.servers import threaded_server
from tests.web.conftest import api_token
from web.extensions import db

REVISIONS = 6


def test_revisions_uploaded_at_once_get_a_version_each_or_a_409(app, client):
    admin = api_token(client, "admin")
    files = [mini_bpmn({'name="Memeriksa konsep"': f'name="Memeriksa konsep {n}"'})
             for n in range(REVISIONS)]

    def upload(data: bytes):
        return lambda: requests.post(f"{base}/api/v1/processes", headers=admin, timeout=60,
                                     files={"file": ("sop_uji.bpmn", io.BytesIO(data))})

    with threaded_server(app) as base:
        answers = at_once([upload(data) for data in files])
    statuses = Counter(answer.status_code for answer in answers)
    assert set(statuses) <= {201, 409}, [a.text for a in answers]
    refused = [a.json()["error"] for a in answers if a.status_code == 409]
    assert all(e["code"] == "conflict" and "permintaan lain" in e["message"] for e in refused)
    versions = sorted(a.json()["version"] for a in answers if a.status_code == 201)
    with app.app_context():
        stored = sorted(db.session.scalars(select(ProcessDefinition.version).where(
            ProcessDefinition.key == "sop_uji")))
    assert stored == versions and len(set(versions)) == len(versions) >= 1


def test_versions_activated_at_once_leave_one_active_and_the_others_get_a_409(app, client):
    admin = api_token(client, "admin")
    for n in range(1, REVISIONS + 1):
        answer = client.post("/api/v1/processes", headers=admin, data={
            "activate": "false", "file": (io.BytesIO(mini_bpmn(
                {'name="Memeriksa konsep"': f'name="Memeriksa konsep {n}"'})), "sop_uji.bpmn")})
        assert answer.status_code == 201 and answer.json["version"] == n

    def activate(version: int):
        return lambda: requests.post(
            f"{base}/api/v1/processes/sop_uji/versions/{version}/activate", headers=admin,
            timeout=60)

    with threaded_server(app) as base:
        answers = at_once([activate(n) for n in range(1, REVISIONS + 1)])
    assert {a.status_code for a in answers} <= {200, 409}, [a.text for a in answers]
    assert all(a.json()["error"]["code"] == "conflict" for a in answers if a.status_code == 409)
    with app.app_context():
        active = db.session.scalars(select(ProcessDefinition.version).where(
            ProcessDefinition.key == "sop_uji", ProcessDefinition.is_active)).all()
    assert len(active) == 1
