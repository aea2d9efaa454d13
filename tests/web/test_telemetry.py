"""JSON log lines with a request id that comes in and goes out as X-Request-ID and is
written on the audit records of the request; worker rounds logged the same way."""

import io
import logging
import re
from datetime import timedelta

from sqlalchemy import select

from engine.escalation import heartbeat
from engine.models import AuditRecord
from tests.web.conftest import api_token, login
from web.cli.worker import run_round
from web.extensions import db
from web.telemetry import formatter

SERVER = "penanganan_gangguan_server"


def test_request_id_goes_in_and_out_and_onto_the_audit_records(app, client, log_lines):
    prakom = api_token(client, "prakom")
    response = client.post("/api/v1/instances", json={"process_key": SERVER, "title": "SIPP"},
                           headers={**prakom, "X-Request-ID": "uji-permintaan-1"})
    assert response.status_code == 201
    assert response.headers["X-Request-ID"] == "uji-permintaan-1"
    with app.app_context():
        records = db.session.scalars(select(AuditRecord).where(
            AuditRecord.instance_id == response.json["id"])).all()
        assert records and {r.request_id for r in records} == {"uji-permintaan-1"}
    [line] = [entry for entry in log_lines() if entry.get("request_id") == "uji-permintaan-1"]
    assert line["logger"] == "alur.request"
    assert (line["method"], line["route"], line["status"]) == ("POST", "/api/v1/instances", 201)
    assert line["user"] == "prakom" and line["duration_ms"] >= 0

    login(client, "kasubbag")
    page = client.get("/", headers={"X-Request-ID": "bukan id yang sah!"})
    generated = page.headers["X-Request-ID"]
    assert len(generated) == 32 and generated != "bukan id yang sah!"
    [line] = [entry for entry in log_lines() if entry.get("request_id") == generated]
    assert line["user"] == "kasubbag" and line["route"] == "/"


def test_a_request_refused_at_the_edge_is_answered_with_its_id_and_logged(client, log_lines):
    refused = {
        "kendali": client.get("/healthz?q=%01", headers={"X-Request-ID": "tepi-kendali"}),
        "besar": client.post("/api/v1/auth/token", headers={"X-Request-ID": "tepi-besar"},
                             json={"username": "x" * 2_000_000, "password": "y"}),
        "csrf": client.post("/masuk", headers={"X-Request-ID": "tepi-csrf"},
                            data={"username": "a", "password": "b"}),
    }
    assert {name: (r.status_code, r.headers.get("X-Request-ID"))
            for name, r in refused.items()} == {
        "kendali": (400, "tepi-kendali"), "besar": (413, "tepi-besar"),
        "csrf": (400, "tepi-csrf")}
    logged = {entry.get("request_id"): entry["status"] for entry in log_lines()}
    assert (logged.get("tepi-kendali"), logged.get("tepi-besar"), logged.get("tepi-csrf")) == (
        400, 413, 400)


def test_worker_round_logs_a_json_line_whose_id_is_on_its_audit_records(
        app, client, clock, log_lines):
    assert client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                       json={"process_key": SERVER, "title": "SIPP"}).status_code == 201
    clock.advance(timedelta(hours=1))
    assert run_round(app, "uji-pekerja") == 1
    [line] = [entry for entry in log_lines() if entry.get("event") == "worker.round"]
    assert (line["worker"], line["fired"], line["sent"], line["failures"]) == (
        "uji-pekerja", 1, 0, 0)
    assert line["request_id"].startswith("round-") and line["level"] == "info"
    with app.app_context():
        escalated = db.session.scalars(select(AuditRecord).where(
            AuditRecord.request_id == line["request_id"])).all()
        assert escalated and all(r.actor_id is None for r in escalated)


def test_a_failing_round_is_logged_with_its_exception_and_counted(
        app, client, clock, log_lines, monkeypatch):
    assert client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                       json={"process_key": SERVER, "title": "SIPP"}).status_code == 201
    clock.advance(timedelta(hours=1))

    def broken(session, clock, instance_id, **batch):
        raise RuntimeError("basis data tersendat")

    monkeypatch.setattr("engine.escalation.timers.fire_instance_timers", broken)
    assert run_round(app, "uji-pekerja") == 0
    lines = log_lines()
    [failed] = [entry for entry in lines if entry.get("event") == "worker.fire_failed"]
    assert failed["level"] == "error" and "basis data tersendat" in failed["exception"]
    [summary] = [entry for entry in lines if entry.get("event") == "worker.round"]
    assert (summary["level"], summary["failures"]) == ("warning", 1)
    assert summary["request_id"] == failed["request_id"]
    with app.app_context():
        [beat] = heartbeat.heartbeats(db.session)
        assert (beat.worker_id, beat.rounds, beat.failures) == ("uji-pekerja", 1, 1)


def test_a_text_log_line_carries_what_the_json_line_does(client):
    """ALUR_LOG_FORMAT=text: the request id, user and duration too, as name=value."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter("text"))
    logger = logging.getLogger("alur")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        login(client, "prakom")
        client.get("/", headers={"X-Request-ID": "teks-1"})
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    [line] = [line for line in stream.getvalue().splitlines() if "request_id=teks-1" in line]
    assert re.search(r" INFO alur\.request: GET / 200 request_id=teks-1 method=GET route=/ "
                     r"path=/ status=200 duration_ms=[0-9.]+ user=prakom remote=127\.0\.0\.1$",
                     line), line
