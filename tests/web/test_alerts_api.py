"""``POST /api/v1/alerts``: tokens per source, payload checks with nothing started, one
incident per alert fingerprint (also under 20 concurrent identical posts), notes for
repeats and the downtime of a resolved alert."""

import re
from collections import Counter
from datetime import datetime, timedelta

import pytest
import requests
from sqlalchemy import func, select

from engine.models import AlertSource, AuditRecord, Comment, Outage, ProcessInstance
from tests.conftest import WIB, csrf_token
from tests.helpers.races import at_once
from tests.helpers.servers import threaded_server
from tests.web.conftest import api_token, login
from web.extensions import db

FIRING = {"version": "4", "status": "firing", "receiver": "alur", "groupKey": "{}:{}",
          "alerts": [{"status": "firing", "fingerprint": "abc123",
                      "labels": {"alertname": "SippDown", "system": "SIPP",
                                 "severity": "critical"},
                      "annotations": {"summary": "SIPP tidak menjawab"},
                      "startsAt": "2026-11-23T01:00:00Z", "endsAt": "0001-01-01T00:00:00Z"}]}


def resolved(ends_at: str = "2026-11-23T01:45:00Z") -> dict:
    alert = {**FIRING["alerts"][0], "status": "resolved", "endsAt": ends_at}
    return {**FIRING, "status": "resolved", "alerts": [alert]}


def kuma(status: int, time: str) -> dict:
    return {"heartbeat": {"monitorID": 7, "status": status, "time": time, "msg": "timeout"},
            "monitor": {"id": 7, "name": "Website PN", "url": "https://pn.example"},
            "msg": "[Website PN] [Down] timeout"}


def add_source(app, name: str, kind: str) -> dict[str, str]:
    result = app.test_cli_runner().invoke(args=["alerts", "add-source", name, "--kind", kind])
    assert result.exit_code == 0, result.output
    assert result.stderr == (f"token bearer sumber {name} (dicetak sekali ini saja; simpan di "
                             "konfigurasi sumbernya):\n"), "what the token is, for people"
    return {"Authorization": f"Bearer {result.stdout.strip()}"}


def incidents(app) -> list[ProcessInstance]:
    with app.app_context():
        return list(db.session.scalars(select(ProcessInstance).order_by(ProcessInstance.id)))


def notes(app, instance_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Comment.text).where(
            Comment.instance_id == instance_id).order_by(Comment.id)))


def test_a_bad_source_name_is_named_as_the_argument_and_nothing_stored(app):
    result = app.test_cli_runner().invoke(args=["alerts", "add-source", "a b", "--kind",
                                                "alertmanager"])
    assert result.exit_code == 1
    # After click's prefix: "GAGAL" in alur, "Error" in the test runner.
    assert result.output.partition(": ")[2] == ("NAMA: nama 2–41 huruf kecil, angka atau '-', "
                                                 "diawali huruf atau angka\n")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AlertSource)) == 0
    add_source(app, "prometheus", "alertmanager")
    taken = app.test_cli_runner().invoke(args=["alerts", "add-source", "prometheus", "--kind",
                                               "uptime-kuma"])
    assert taken.exit_code == 1
    assert taken.output.partition(": ")[2] == (
        "NAMA: sumber prometheus sudah ada; pilih nama lain\n")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AlertSource)) == 1


def test_the_token_is_stored_hashed_and_a_wrong_or_missing_one_is_401(app, client):
    headers = add_source(app, "prometheus", "alertmanager")
    with app.app_context():
        stored = db.session.scalar(select(AlertSource))
        assert headers["Authorization"][7:] not in (stored.token_hash, stored.name)
    for wrong in ({}, {"Authorization": "Bearer salah"},
                  {"Authorization": headers["Authorization"][7:]}):
        answer = client.post("/api/v1/alerts", headers=wrong, json=FIRING)
        assert (answer.status_code, answer.json["error"]["code"]) == (401, "unauthorized")
        assert answer.headers["WWW-Authenticate"] == 'Bearer realm="alur"'
    assert incidents(app) == []
    # A query parameter it does not take, as on every other POST (README "API JSON").
    queried = client.post("/api/v1/alerts?sumber=x", headers=headers, json=FIRING)
    assert (queried.status_code, queried.json["error"]["fields"]) == (
        422, {"sumber": ["parameter ini tidak dikenal"]})
    assert incidents(app) == []


@pytest.mark.parametrize("scheme", ["bearer", "BEARER", "bEaReR"])
def test_the_scheme_is_case_insensitive_as_for_user_tokens(app, client, scheme):
    token = add_source(app, "prometheus", "alertmanager")["Authorization"][7:]
    answer = client.post("/api/v1/alerts", headers={"Authorization": f"{scheme} {token}"},
                         json=FIRING)
    assert answer.status_code == 202, answer.json
    assert len(answer.json["instances"]) == 1


@pytest.mark.parametrize("body", [
    [], {"version": "3", "alerts": FIRING["alerts"]}, {"version": "4", "alerts": []},
    {"version": "4", "alerts": [{**FIRING["alerts"][0], "status": "burning"}]},
    {"version": "4", "alerts": [FIRING["alerts"][0], {"labels": {}}]},
])
def test_a_body_that_is_not_alertmanager_v4_is_422_and_starts_nothing(app, client, body):
    headers = add_source(app, "prometheus", "alertmanager")
    answer = client.post("/api/v1/alerts", headers=headers, json=body)
    assert (answer.status_code, answer.json["error"]["code"]) == (422, "invalid_request")
    assert incidents(app) == []


def test_the_refusals_name_the_field_in_indonesian_and_a_body_not_json_is_400(app, client):
    headers = add_source(app, "prometheus", "alertmanager")
    for body, fields in (({"version": "3", "alerts": FIRING["alerts"]}, {"version": ["harus 4"]}),
                         ({"version": "4", "alerts": []},
                          {"alerts": ["berisi 1 sampai 500 peringatan"]})):
        answer = client.post("/api/v1/alerts", headers=headers, json=body)
        assert answer.json["error"]["fields"] == fields
    for raw in (b"", b"bukan json", b"{"):
        answer = client.post("/api/v1/alerts", data=raw, headers={
            **headers, "Content-Type": "application/json"})
        assert (answer.status_code, answer.json["error"]["code"]) == (400, "bad_request")
    for raw in (b'["x"]', b"null", b'"x"'):  # JSON, but no object: as on every endpoint
        answer = client.post("/api/v1/alerts", data=raw, headers={
            **headers, "Content-Type": "application/json"})
        assert (answer.status_code, list(answer.json["error"]["fields"])) == (422, ["_schema"])
    assert incidents(app) == []


def test_firing_opens_one_kritis_incident_repeats_add_notes_resolved_adds_the_downtime(
        app, client, clock):
    headers = add_source(app, "prometheus", "alertmanager")
    first = client.post("/api/v1/alerts", headers=headers, json=FIRING)
    assert first.status_code == 202, first.json
    [instance_id] = first.json["instances"]
    assert first.json == {"instances": [instance_id], "ignored": 0}
    shown = client.get(f"/api/v1/instances/{instance_id}",
                       headers=_admin(client)).json
    assert (shown["data"]["sistem"], shown["data"]["prioritas"]) == ("SIPP", "kritis")
    assert shown["process_key"] == "penanganan_gangguan_server"
    again = client.post("/api/v1/alerts", headers=headers, json=FIRING)
    assert again.json == {"instances": [], "ignored": 0}
    assert notes(app, instance_id) == [
        "Peringatan masih menyala (dikirim ulang): SIPP tidak menjawab"]
    clock.advance(timedelta(hours=1))
    done = client.post("/api/v1/alerts", headers=headers, json=resolved())
    assert done.json == {"instances": [], "ignored": 0}
    assert notes(app, instance_id)[-1].startswith("Pulih: SIPP tidak tersedia 45 menit")
    with app.app_context():
        [outage] = db.session.scalars(select(Outage)).all()
        assert (outage.system, outage.ended_at - outage.started_at) == (
            "SIPP", timedelta(minutes=45))
    assert client.post("/api/v1/alerts", headers=headers,
                       json=resolved()).json == {"instances": [], "ignored": 1}
    assert [i.status for i in incidents(app)] == ["running"]
    refired = client.post("/api/v1/alerts", headers=headers, json=FIRING)
    assert refired.json == {"instances": [], "ignored": 0}  # the incident is still open
    assert notes(app, instance_id)[-1] == "Peringatan menyala lagi: SIPP tidak menjawab"


def test_uptime_kuma_s_test_button_is_answered_and_opens_nothing(app, client):
    headers = add_source(app, "kuma", "uptime-kuma")
    test = client.post("/api/v1/alerts", headers=headers,
                       json={"heartbeat": None, "monitor": None, "msg": "Test notification"})
    assert (test.status_code, test.json) == (202, {"instances": [], "ignored": 0})
    half = client.post("/api/v1/alerts", headers=headers,
                       json={**kuma(0, "2026-11-23 02:00:00"), "monitor": None})
    assert (half.status_code, half.json["error"]["fields"]) == (
        422, {"monitor": ["tidak boleh null"]})
    assert incidents(app) == []


def test_uptime_kuma_down_opens_an_incident_and_up_records_the_downtime(app, client, clock):
    clock.advance(timedelta(hours=2))  # 10.00 WIB: the heartbeats below are past
    headers = add_source(app, "kuma", "uptime-kuma")
    down = client.post("/api/v1/alerts", headers=headers, json=kuma(0, "2026-11-23 02:00:00"))
    assert down.status_code == 202, down.json
    [instance_id] = down.json["instances"]
    with app.app_context():
        instance = db.session.get(ProcessInstance, instance_id)
        assert (instance.data["sistem"], instance.data["prioritas"]) == ("Website PN", "kritis")
    assert client.post("/api/v1/alerts", headers=headers,
                       json=kuma(0, "2026-11-23 02:01:00")).json["instances"] == []
    up = client.post("/api/v1/alerts", headers=headers, json=kuma(1, "2026-11-23 02:30:00"))
    assert up.json == {"instances": [], "ignored": 0}
    assert notes(app, instance_id)[-1].startswith("Pulih: Website PN tidak tersedia 30 menit")
    bad = client.post("/api/v1/alerts", headers=headers, json=FIRING)
    assert bad.status_code == 422
    assert len(incidents(app)) == 1


def test_an_end_in_the_future_ends_the_outage_now(app, client, clock):
    """A tool's clock ahead of Alur's, or a made-up endsAt in 2099, cannot make an outage
    longer than it has been: it ends at Alur's now."""
    headers = add_source(app, "prometheus", "alertmanager")
    [instance_id] = client.post("/api/v1/alerts", headers=headers,
                                json=FIRING).json["instances"]
    clock.advance(timedelta(minutes=20))
    client.post("/api/v1/alerts", headers=headers, json=resolved("2099-01-01T00:00:00Z"))
    assert notes(app, instance_id)[-1] == (
        "Pulih: SIPP tidak tersedia 20 menit (23 Nov 2026 08.00 WIB – 23 Nov 2026 08.20 WIB).")
    with app.app_context():
        [outage] = db.session.scalars(select(Outage)).all()
        assert outage.ended_at - outage.started_at == timedelta(minutes=20)


def test_twenty_concurrent_identical_alerts_open_exactly_one_incident(app):
    headers = add_source(app, "prometheus", "alertmanager")
    with threaded_server(app) as base:
        answers = at_once([lambda: requests.post(f"{base}/api/v1/alerts", headers=headers,
                                                 json=FIRING, timeout=60)] * 20)
    assert Counter(a.status_code for a in answers) == {202: 20}
    assert sum(len(a.json()["instances"]) for a in answers) == 1
    [incident] = incidents(app)
    assert len(notes(app, incident.id)) == 19
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Outage)) == 0


def _admin(client):
    return api_token(client, "admin")


def test_the_admin_page_adds_a_source_and_shows_its_token_once(app, client):
    login(client, "admin")
    page = client.get("/admin/sumber-peringatan")
    assert page.status_code == 200
    added = client.post("/admin/sumber-peringatan", data={
        "csrf_token": csrf_token(page.get_data(True)), "name": "kuma-kantor",
        "kind": "uptime-kuma"})
    token = re.search(r'<code id="token">([^<]+)</code>', added.get_data(True)).group(1)
    assert 'id="token"' not in client.get("/admin/sumber-peringatan").get_data(True)
    down = client.post("/api/v1/alerts", headers={"Authorization": f"Bearer {token}"},
                       json=kuma(0, "2026-11-23 02:00:00"))
    assert down.status_code == 202
    other = app.test_client()
    login(other, "prakom")
    assert other.get("/admin/sumber-peringatan").status_code == 403
    with app.app_context():  # the source's account was made by the administrator
        made = db.session.scalars(select(AuditRecord).where(
            AuditRecord.action == "user.created")).all()
        assert [(r.detail["username"], r.actor.username) for r in made
                if r.detail["username"].startswith("pantau.")] == [("pantau.kuma_kantor", "admin")]


def test_the_desk_cannot_wait_for_a_monitoring_source_to_answer(app, client):
    """An incident's requester is the source's account, which never answers: ``asks`` is
    refused (the clock would stand still for ever) and the page does not offer it."""
    [instance_id] = client.post("/api/v1/alerts", headers=add_source(
        app, "prometheus", "alertmanager"), json=FIRING).json["instances"]
    url = f"/api/v1/tickets/{instance_id}/messages"
    prakom = api_token(client, "prakom")
    refused = client.post(url, headers=prakom, json={"text": "Sejak kapan?", "asks": True})
    assert (refused.status_code, list(refused.json["error"]["fields"])) == (422, ["asks"])
    assert "sumber peringatan" in refused.json["error"]["fields"]["asks"]
    assert client.post(url, headers=prakom, json={"text": "Sedang dicek"}).status_code == 201
    login(client, "prakom")
    page = client.get(f"/tiket/{instance_id}").get_data(True)
    assert 'name="text"' in page and 'name="asks"' not in page


def test_a_refused_source_keeps_what_was_typed(app, client):
    login(client, "admin")
    page = client.get("/admin/sumber-peringatan")
    refused = client.post("/admin/sumber-peringatan", data={
        "csrf_token": csrf_token(page.get_data(True)), "name": "Server Utama!!",
        "kind": "uptime-kuma"})
    assert refused.status_code == 422
    shown = refused.get_data(True)
    assert 'value="Server Utama!!"' in shown and 'aria-invalid="true"' in shown
    assert '<option value="uptime-kuma" selected>' in shown


@pytest.mark.parametrize(("kind", "body", "fields"), [
    ("alertmanager", {**FIRING, "alerts": [FIRING["alerts"][0], {
        **FIRING["alerts"][0], "startsAt": "0001-01-01T00:00:00+01:00"}]},
     {"alerts": {"1": {"startsAt": ["waktu harus dalam tahun 2000–2100"]}}}),
    ("alertmanager", resolved("1999-12-31T23:59:00Z"),
     {"alerts": {"0": {"endsAt": ["waktu harus dalam tahun 2000–2100"]}}}),
    ("alertmanager", resolved("kemarin"), {"alerts": {"0": {"endsAt": ["waktu ISO 8601 tidak sah"]}}}),
    ("uptime-kuma", kuma(0, "0001-01-01T00:00:00+05:00"),
     {"heartbeat": {"time": ["waktu harus dalam tahun 2000–2100"]}}),
    ("uptime-kuma", kuma(0, "2100-12-31T23:00:00-14:00"),  # 2101 in UTC
     {"heartbeat": {"time": ["waktu harus dalam tahun 2000–2100"]}}),
    ("uptime-kuma", {**kuma(0, "2026-11-23 02:00:00"), "monitor": {"id": 7.5, "name": "x"}},
     {"monitor": {"id": ["harus bilangan bulat"]}}),
])
def test_a_time_outside_the_years_or_a_fractional_monitor_is_422_named_and_nothing_stored(
        app, client, kind, body, fields):
    """Year 1 gave a 500 when stored; year 1999 recorded an outage of decades."""
    headers = add_source(app, "pantau", kind)
    answer = client.post("/api/v1/alerts", headers=headers, json=body)
    assert (answer.status_code, answer.json["error"]["fields"]) == (422, fields)
    assert incidents(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Outage)) == 0


def test_a_source_whose_account_is_disabled_is_told_so_and_opens_nothing(app, client):
    """It was told it held no role on the SOP, which sent its keeper looking at roles."""
    headers = add_source(app, "prometheus", "alertmanager")
    with app.app_context():
        [name] = db.session.scalars(select(AlertSource.name)).all()
    result = app.test_cli_runner().invoke(args=["user", "disable", f"pantau.{name}"])
    assert result.exit_code == 0, result.output
    answer = client.post("/api/v1/alerts", headers=headers, json=FIRING)
    assert (answer.status_code, answer.json["error"]["code"]) == (403, "account_disabled")
    assert "dinonaktifkan" in answer.json["error"]["message"]
    assert incidents(app) == []


def test_labels_of_blanks_name_nothing_the_next_label_does(app, client):
    headers = add_source(app, "prometheus", "alertmanager")
    alert = {**FIRING["alerts"][0], "labels": {"alertname": "SippDown", "system": "   ",
                                                "severity": "critical"},
             "annotations": {"summary": " \t "}}
    opened = client.post("/api/v1/alerts", headers=headers, json={**FIRING, "alerts": [alert]})
    [instance_id] = opened.json["instances"]
    with app.app_context():
        instance = db.session.get(ProcessInstance, instance_id)
        assert (instance.title, instance.data["sistem"], instance.data["gejala"]) == (
            "SippDown: SippDown", "SippDown", "SippDown")
    hidden = {**alert, "fingerprint": "zw1",
              "labels": {"system": "\u200b", "job": "node", "alertname": "Down"}}
    [instance_id] = client.post("/api/v1/alerts", headers=headers,
                                json={**FIRING, "alerts": [hidden]}).json["instances"]
    kuma_headers = add_source(app, "kuma", "uptime-kuma")
    blank = kuma(0, "2026-11-23 01:00:00")
    blank = {**blank, "monitor": {**blank["monitor"], "name": "   "},
             "heartbeat": {**blank["heartbeat"], "msg": "  "}, "msg": ""}
    [kuma_id] = client.post("/api/v1/alerts", headers=kuma_headers,
                            json=blank).json["instances"]
    with app.app_context():
        zero_width = db.session.get(ProcessInstance, instance_id)
        assert (zero_width.title, zero_width.data["sistem"]) == ("node: Down", "node")
        unnamed = db.session.get(ProcessInstance, kuma_id)
        assert (unnamed.title, unnamed.data["sistem"], unnamed.data["gejala"]) == (
            "tanpa nama: monitor mati", "tanpa nama", "monitor mati")


def test_a_kritis_incident_at_night_is_due_within_the_hour_from_its_first_step(app, client,
                                                                                clock):
    clock.set(datetime(2026, 11, 28, 22, 29, tzinfo=WIB))  # Saturday night
    headers = add_source(app, "prometheus", "alertmanager")
    alert = {**FIRING["alerts"][0], "startsAt": "2026-11-28T15:29:00Z"}
    [instance_id] = client.post("/api/v1/alerts", headers=headers,
                                json={**FIRING, "alerts": [alert]}).json["instances"]
    shown = client.get(f"/api/v1/instances/{instance_id}", headers=_admin(client)).json
    [step] = shown["open_tasks"]
    assert step["due_at"] == "2026-11-28T16:29:00+00:00"  # 23.29 WIB, not Monday 08.30
    minor = {**alert, "fingerprint": "def456",
             "labels": {**alert["labels"], "severity": "info"}}
    [other] = client.post("/api/v1/alerts", headers=headers,
                          json={**FIRING, "alerts": [minor]}).json["instances"]
    [step] = client.get(f"/api/v1/instances/{other}", headers=_admin(client)).json["open_tasks"]
    assert step["due_at"] == "2026-11-30T01:30:00+00:00"  # minor: Monday 08.30 WIB


def test_a_pending_or_maintenance_heartbeat_opens_and_closes_nothing(app, client, clock):
    clock.advance(timedelta(hours=2))
    headers = add_source(app, "kuma", "uptime-kuma")
    for status in (2, 3):
        answer = client.post("/api/v1/alerts", headers=headers,
                             json=kuma(status, "2026-11-23 02:00:00"))
        assert (answer.status_code, answer.json) == (202, {"instances": [], "ignored": 1})
    assert incidents(app) == []
    [instance_id] = client.post("/api/v1/alerts", headers=headers,
                                json=kuma(0, "2026-11-23 02:05:00")).json["instances"]
    client.post("/api/v1/alerts", headers=headers, json=kuma(3, "2026-11-23 02:10:00"))
    assert not any(note.startswith("Pulih") for note in notes(app, instance_id))
    bad = client.post("/api/v1/alerts", headers=headers, json=kuma(4, "2026-11-23 02:10:00"))
    assert bad.status_code == 422


def test_a_long_outage_is_written_in_days_and_hours(app, client, clock):
    headers = add_source(app, "prometheus", "alertmanager")
    [instance_id] = client.post("/api/v1/alerts", headers=headers,
                                json=FIRING).json["instances"]
    clock.advance(timedelta(days=2))
    client.post("/api/v1/alerts", headers=headers, json=resolved("2026-11-24T03:30:40Z"))
    assert notes(app, instance_id)[-1] == (
        "Pulih: SIPP tidak tersedia 1 hari 2 jam (23 Nov 2026 08.00 WIB – 24 Nov 2026 "
        "10.30 WIB).")

