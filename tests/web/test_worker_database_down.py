"""A worker round while the database cannot be used: one warning line and no traceback,
no instance blamed (put in Galat) for it, and the next round with the database back fires
what was due."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from engine.models import ProcessInstance
from tests.helpers.database import on_postgres
from tests.web.conftest import api_token
from web.cli.worker import run_round
from web.extensions import db

SERVER = "penanganan_gangguan_server"


def _due(app, client, clock) -> int:
    started = client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                          json={"process_key": SERVER, "title": "SIPP"})
    assert started.status_code == 201
    clock.advance(timedelta(hours=1))
    return started.json["id"]


def _status(app, instance_id: int) -> str:
    with app.app_context():
        return db.session.scalar(select(ProcessInstance.status).where(
            ProcessInstance.id == instance_id))


def test_the_database_failing_while_an_instance_fires_blames_no_instance(
        app, client, clock, log_lines, monkeypatch):
    instance_id = _due(app, client, clock)

    def lost(session, clock, instance_id, **batch):
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr("engine.escalation.timers.fire_instance_timers", lost)
    assert run_round(app, "uji-pekerja") == 0
    lines = log_lines()
    [down] = [entry for entry in lines if entry["logger"] == "alur.worker"]
    assert down["event"] == "worker.database_unavailable" and down["level"] == "warning"
    assert "server closed the connection" in down["message"] and "exception" not in down
    assert _status(app, instance_id) == "running", "no Galat for the database's failure"
    monkeypatch.undo()
    # The batch's claims run out (as after a killed worker), then it is fired.
    clock.advance(timedelta(seconds=app.config["ALUR_LEASE_SECONDS"] + 1))
    assert run_round(app, "uji-pekerja") == 1, "fired once the database answers"


@pytest.mark.skipif(on_postgres(), reason="the suite's PostgreSQL is shared: not stopped")
def test_a_round_without_its_database_file_logs_one_line_and_the_next_fires(
        app, client, clock, log_lines):
    instance_id = _due(app, client, clock)
    with app.app_context():
        path = Path(db.engine.url.database)
        db.engine.dispose()
    path.rename(path.with_suffix(".pindah"))
    try:
        assert run_round(app, "uji-pekerja") == 0
    finally:
        with app.app_context():
            db.engine.dispose()
        path.with_suffix(".pindah").replace(path)
    lines = [entry for entry in log_lines() if entry["logger"] == "alur.worker"]
    assert [entry["event"] for entry in lines] == ["worker.database_unavailable"]
    assert "exception" not in lines[0]
    assert _status(app, instance_id) == "running"
    assert run_round(app, "uji-pekerja") == 1
